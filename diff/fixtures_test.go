package diff

import (
	"time"

	"github.com/relwatch/relwatch/snapshots"
)

// The fixture pairs are built here, from the real French page of 2022
// (layout 4: highlight bullets, "Principaux domaines de coopération" with
// H3 themes of bullets), and written to testdata/pairs by -update. The
// JSON files are what the golden tests read; TestPairsUpToDate keeps the
// two in step.

// Texts of the 2022 page, as published.
const (
	title22 = "Relations avec le Kazakhstan"
	lead22  = "L’OTAN et le Kazakhstan coopèrent activement pour la mise en œuvre de réformes démocratiques, institutionnelles et de défense, et ils ont mis en place une coopération pratique dans de nombreux autres domaines."
	caption = "Views of the Palace of Independence, Astana, Kazakhstan"

	hlStart    = "Les relations avec le Kazakhstan ont débuté en 1992, lorsque le pays a adhéré au Conseil de coopération nord-atlantique. À ce forum de dialogue a succédé en 1997 le Conseil de partenariat euro-atlantique, qui réunit tous les Alliés et les pays partenaires de la zone euro-atlantique."
	hlPfP      = "La coopération pratique a démarré en 1995, avec l’adhésion du Kazakhstan au Partenariat pour la paix (PPP)."
	hlIPAP     = "Le Kazakhstan expose ses plans de réforme, assortis d’échéances, dans son plan d’action individuel pour le partenariat (IPAP), qui est agréé pour une période de deux ans. L’OTAN aide le Kazakhstan à mener à bien ces réformes en lui fournissant des conseils et un soutien ciblés, adaptés à ses besoins spécifiques."
	hlEnvoy    = "Le représentant spécial du secrétaire général de l'OTAN pour le Caucase et l'Asie centrale maintient un dialogue politique de haut niveau avec les autorités kazakhes par des visites régulières dans le pays."
	keyAreas   = "Principaux domaines de coopération"
	keyIntro   = "La coopération entre le Kazakhstan et l’OTAN s’exerce au bénéfice des deux parties dans les domaines énumérés ci-après."
	capTheme   = "Renforcement des capacités et de l’interopérabilité"
	capPARP    = "La participation du Kazakhstan au processus de planification et d'examen (PARP) du PPP depuis 2002 aide à améliorer l'interopérabilité de certains éléments de ses forces armées avec les forces des pays de l'OTAN. Des travaux conjoints se poursuivent pour développer le régiment de maintien de la paix amené à opérer aux côtés des Alliés."
	capSteppe  = "Le Kazakhstan joue un rôle actif en accueillant des activités d’entraînement et des exercices du PPP et en y participant. Depuis 2006, il accueille, en coopération avec des pays de l’OTAN et des partenaires régionaux, des exercices militaires annuels appelés « Steppe Eagle »."
	capKazcent = "Le Centre de formation et d'entraînement PPP du Kazakhstan (KAZCENT) a été reconnu par l'OTAN comme centre de formation et d'entraînement des partenariats en décembre 2010. Le KAZCENT propose des stages annuels – ouverts aux Alliés et aux partenaires – sur l'anglais militaire et les procédures d’état-major OTAN, ainsi qu'un stage de familiarisation à l'histoire, à l'économie et à la culture de l'Asie centrale et de l'Afghanistan.  En outre, deux stages de l’ONU ont été certifiés en 2018."
	capDEEP    = "Pour le Kazakhstan, le programme de renforcement de la formation « défense » (DEEP) de l’OTAN a commencé en 2007, avec l’Université nationale de défense du Kazakhstan ; il vise à faire en sorte que les programmes et les méthodes soient conformes aux normes internationales. La coopération a été ensuite étendue au KAZCENT, au Centre de formation des sous-officiers et à l'Institut de défense de l'armée de terre. Les programmes DEEP à l’appui du KAZCENT, du Centre de formation des sous-officiers et de l'Institut de défense de l'armée de terre ont tous été menés à bien, tandis que le soutien à l’Université nationale de défense se poursuit."
	capPIP     = "Depuis 2014, dans le cadre de l’initiative pour l’interopérabilité avec les partenaires, le Kazakhstan participe à la plateforme d'interopérabilité, laquelle rassemble les Alliés et les pays partenaires qui contribuent activement aux opérations de l’OTAN."
	otherTheme = "Autres domaines de coopération"
	othEADRCC  = "Le Kazakhstan améliore l’état de préparation de son secteur civil et ses capacités nationales de gestion des catastrophes en coopérant avec l’OTAN et en participant aux activités organisées par le Centre euro-atlantique de coordination des réactions en cas de catastrophe (EADRCC). Il a participé à cinq exercices sur le terrain de gestion des conséquences (de 2003 à 2012) et il a accueilli l’exercice “ZHETSYU” de l’EADRCC, qui s’est déroulé près d’Almaty en 2009. Le Kazakhstan a également offert son aide aux Alliés et aux pays partenaires frappés par des catastrophes d'origine naturelle ou humaine en réponse à huit demandes urgentes d’assistance internationale de l’EADRCC."
	othSPS     = "Depuis 1993, le Kazakhstan participe activement au programme pour la science au service de la paix et de la sécurité (SPS) de l’OTAN. Les principaux domaines de coopération sont entre autres la sécurité environnementale et la défense contre les agents chimiques, biologiques, radiologiques et nucléaires."
	othPublic  = "L'OTAN et le Kazakhstan travaillent aussi largement à mieux faire connaître l’Alliance et les avantages de leur coopération."
)

func bullets(ts ...string) []snapshots.Block    { return blocks(snapshots.Bullet, ts) }
func paragraphs(ts ...string) []snapshots.Block { return blocks(snapshots.Paragraph, ts) }

func blocks(kind string, ts []string) []snapshots.Block {
	bs := make([]snapshots.Block, len(ts))
	for i, t := range ts {
		bs[i] = snapshots.Block{Kind: kind, Text: snapshots.NormalizeText(t)}
	}
	return bs
}

func at(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// page2022 is the French page as seen in 2022.
func page2022() snapshots.Snapshot {
	return snapshots.Snapshot{
		Page: "kazakhstan/fr", Lang: "fr",
		URL:        "https://www.nato.int/cps/fr/natohq/topics_49598.htm",
		FinalURL:   "https://www.nato.int/cps/fr/natohq/topics_49598.htm",
		Title:      title22,
		UpdatedRaw: "23 May. 2022 15:38", UpdatedOn: "2022-05-23", UpdatedAt: "2022-05-23T13:38:00Z",
		Lead:     lead22,
		Captions: []string{caption},
		Sections: []snapshots.Section{
			{Heading: "", Level: 0, Blocks: bullets(hlStart, hlPfP, hlIPAP, hlEnvoy)},
			{Heading: keyAreas, Level: 2, Blocks: paragraphs(keyIntro), Sections: []snapshots.Section{
				{Heading: capTheme, Level: 3, Blocks: bullets(capPARP, capSteppe, capKazcent, capDEEP, capPIP)},
				{Heading: otherTheme, Level: 3, Blocks: bullets(othEADRCC, othSPS, othPublic)},
			}},
		},
	}
}

// page2017 is an accordion-era version of the same page (layout 2): the
// same facts as paragraphs under accordion sections "Cadre de la
// coopération" and "Principaux domaines de coopération" with H3 topics.
// Most sentences survive into 2022 unchanged, some are reworded, one is
// dropped.
func page2017() snapshots.Snapshot {
	s := page2022()
	s.UpdatedRaw, s.UpdatedOn, s.UpdatedAt = "12 Oct. 2017 10:21", "2017-10-12", "2017-10-12T08:21:00Z"
	s.Sections = []snapshots.Section{
		{Heading: "Cadre de la coopération", Level: 2, Blocks: paragraphs(
			hlStart,
			hlPfP,
			"Le Kazakhstan expose ses plans de réforme, assortis d’échéances, dans son plan d’action individuel pour le partenariat (IPAP), qui est agréé pour une période de deux ans. L’OTAN aide le Kazakhstan à mener à bien ces réformes en lui fournissant des conseils et un soutien ciblés.",
			"Le représentant spécial du secrétaire général de l'OTAN pour le Caucase et l'Asie centrale, M. James Appathurai, maintient un dialogue politique de haut niveau avec les autorités kazakhes par des visites régulières dans le pays.",
			"Le Kazakhstan a été le premier pays d’Asie centrale à élaborer un IPAP avec l’OTAN, en 2006.",
		)},
		{Heading: keyAreas, Level: 2, Blocks: paragraphs(keyIntro), Sections: []snapshots.Section{
			{Heading: "Coopération en matière de sécurité", Level: 3, Blocks: paragraphs(
				capPARP,
				capSteppe,
				"Le Centre de formation et d'entraînement PPP du Kazakhstan (KAZCENT) a été reconnu par l'OTAN comme centre de formation et d'entraînement des partenariats en décembre 2010. Le KAZCENT propose des stages annuels – ouverts aux Alliés et aux partenaires – sur l'anglais militaire et les procédures d’état-major OTAN, ainsi qu'un stage de familiarisation à l'histoire, à l'économie et à la culture de l'Asie centrale et de l'Afghanistan.",
				capPIP,
			)},
			{Heading: "Réforme de la défense et du secteur de la sécurité", Level: 3, Blocks: paragraphs(
				"Pour le Kazakhstan, le programme de renforcement de la formation « défense » (DEEP) de l’OTAN a commencé en 2007, avec l’Université nationale de défense du Kazakhstan ; il vise à faire en sorte que les programmes et les méthodes soient conformes aux normes internationales. La coopération a été ensuite étendue au KAZCENT, au Centre de formation des sous-officiers et à l'Institut de défense de l'armée de terre.",
			)},
			{Heading: "Plans civils d’urgence", Level: 3, Blocks: paragraphs(othEADRCC)},
			{Heading: "Science et environnement", Level: 3, Blocks: paragraphs(othSPS)},
			{Heading: "Information du public", Level: 3, Blocks: paragraphs(othPublic)},
		}},
	}
	return s
}

// page2025 is a full rewrite: new site, new text, new structure.
func page2025() snapshots.Snapshot {
	s := page2022()
	s.URL = "https://www.nato.int/fr/what-we-do/partnerships-and-cooperation/relations-with-kazakhstan"
	s.FinalURL = s.URL
	s.UpdatedRaw, s.UpdatedOn, s.UpdatedAt = "09 May 2025", "2025-05-09", ""
	s.Lead = "Le Kazakhstan est un partenaire de longue date de l’Alliance en Asie centrale."
	s.Captions = []string{"Signature d’un accord de transit à Astana"}
	s.Sections = []snapshots.Section{
		{Heading: "", Level: 0, Blocks: bullets(
			"Le dialogue politique se tient surtout dans le cadre bilatéral.",
			"Des officiers kazakhs suivent chaque année des cours au Collège de défense à Rome.",
		)},
		{Heading: "Dialogue politique", Level: 2, Blocks: paragraphs(
			"Des réunions régulières rassemblent des responsables à Bruxelles et à Astana.",
		)},
		{Heading: "Coopération pratique", Level: 2, Blocks: paragraphs(
			"Les priorités actuelles portent sur la lutte contre le terrorisme, la cyberdéfense et la gestion des frontières.",
			"Un programme de formation en ligne a été ouvert aux spécialistes civils en 2024.",
		)},
	}
	return s
}

type pairCase struct {
	name     string
	old, new snapshots.Snapshot
}

// version gives a snapshot the archive fields of version n, seen first at
// firstSeen and last at lastSeen.
func version(s snapshots.Snapshot, n int, firstSeen, lastSeen string) snapshots.Snapshot {
	s.Version = n
	s.ParserVersion = 1
	s.FirstSeen, s.LastSeen = at(firstSeen), at(lastSeen)
	s.Seal()
	return s
}

func pairCases() []pairCase {
	pair := func(name string, old, new snapshots.Snapshot) pairCase {
		return pairCase{name,
			version(old, 1, "2026-11-01T06:00:00Z", "2026-11-27T06:00:00Z"),
			version(new, 2, "2026-11-28T06:00:00Z", "2026-11-28T06:00:00Z")}
	}
	var cs []pairCase

	cs = append(cs, pair("unchanged", page2022(), page2022()))

	n := page2022()
	n.UpdatedRaw, n.UpdatedOn, n.UpdatedAt = "27 Nov. 2026 15:32", "2026-11-27", "2026-11-27T14:32:00Z"
	cs = append(cs, pair("stamp-only", page2022(), n))

	n = page2022()
	n.UpdatedRaw, n.UpdatedOn, n.UpdatedAt = "27 Nov. 2026 15:32", "2026-11-27", "2026-11-27T14:32:00Z"
	n.Sections[1].Sections[0].Blocks[1].Text = "Le Kazakhstan joue un rôle très actif en accueillant des activités d’entraînement et des exercices du PPP et en y participant. Depuis 2006, il accueille, en coopération avec des pays de l’OTAN et des partenaires régionaux, l’exercice militaire annuel « Steppe Eagle »."
	cs = append(cs, pair("reworded-bullet", page2022(), n))

	n = page2022()
	n.UpdatedRaw, n.UpdatedOn, n.UpdatedAt = "27 Nov. 2026 15:32", "2026-11-27", "2026-11-27T14:32:00Z"
	theme := &n.Sections[1].Sections[0]
	theme.Blocks = append(theme.Blocks, bullets("En 2026, le Kazakhstan a rejoint le programme de l’OTAN pour l’intégrité et la transparence dans le secteur de la défense.")...)
	other := &n.Sections[1].Sections[1]
	other.Blocks = other.Blocks[:2]
	cs = append(cs, pair("bullet-added-removed", page2022(), n))

	n = page2022()
	n.Sections[1].Sections[1].Heading = "Autres formes de coopération"
	cs = append(cs, pair("section-renamed", page2022(), n))

	cs = append(cs, pair("restructure", page2017(), page2022()))

	cs = append(cs, pair("rewrite", page2022(), page2025()))

	n = page2022()
	n.Lead = "L’OTAN et le Kazakhstan coopèrent activement, pour la mise en œuvre de réformes démocratiques, institutionnelles et de défense et ils ont mis en place une coopération pratique dans de nombreux autres domaines."
	cs = append(cs, pair("lead-punctuation", page2022(), n))

	n = page2022()
	n.Captions = []string{"View of the Palace of Independence in Astana, Kazakhstan"}
	cs = append(cs, pair("caption-changed", page2022(), n))

	return cs
}
