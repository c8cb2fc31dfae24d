# Content of the Kazakhstan page across layouts, as a tiny block DSL:
# ("p", text) ("ul", [items]) ("h2"/"h3"/"h5", text) ("img", alt, caption) ("acc", [(title, [blocks])])
# Inline HTML is allowed in texts.

LEAD_EN = "NATO and Kazakhstan actively cooperate on democratic, institutional and defence reforms, and have developed practical cooperation in many other areas."
LEAD_FR = "L’OTAN et le Kazakhstan coopèrent activement pour la mise en œuvre de réformes démocratiques, institutionnelles et de défense, et ils ont mis en place une coopération pratique dans de nombreux autres domaines."
PALACE = "Views of the Palace of Independence, Astana, Kazakhstan"

HL_EN_2022 = [
 "Relations with Kazakhstan started in 1992, when the country joined the North Atlantic Cooperation Council. This forum for dialogue was succeeded in 1997 by the Euro-Atlantic Partnership Council, which brings together all Allies and partner countries in the Euro-Atlantic area.",
 "Practical cooperation began in 1995, when Kazakhstan joined the Partnership for Peace (PfP) programme.",
 "Kazakhstan’s reform plans and timelines are set out in its Individual Partnership Action Plan (IPAP), which is agreed for a two-year period. NATO supports Kazakhstan in achieving these reforms by providing focused, country-specific advice and assistance.",
 "The NATO Secretary General’s Special Representative for the Caucasus and Central Asia maintains high-level political dialogue with the Kazakh authorities through regular visits to the country.",
]
HL_FR_2022 = [
 "Les relations avec le Kazakhstan ont débuté en 1992, lorsque le pays a adhéré au Conseil de coopération nord-atlantique. À ce forum de dialogue a succédé en 1997 le Conseil de partenariat euro-atlantique, qui réunit tous les Alliés et les pays partenaires de la zone euro-atlantique.",
 "La coopération pratique a démarré en 1995, avec l’adhésion du Kazakhstan au Partenariat pour la paix (PPP).",
 "Le Kazakhstan expose ses plans de réforme, assortis d’échéances, dans son plan d’action individuel pour le partenariat (IPAP), qui est agréé pour une période de deux ans. L’OTAN aide le Kazakhstan à mener à bien ces réformes en lui fournissant des conseils et un soutien ciblés, adaptés à ses besoins spécifiques.",
 "Le représentant spécial du secrétaire général de l'OTAN pour le Caucase et l'Asie centrale maintient un dialogue politique de haut niveau avec les autorités kazakhes par des visites régulières dans le pays.",
]
CAP_EN_2022 = [
 "Kazakhstan’s participation in the PfP Planning and Review Process (PARP) since 2002 has helped develop the ability of elements of its armed forces to work with forces from NATO countries. Joint work continues to develop the peacekeeping regiment that is intended to operate alongside Allies.",
 "Kazakhstan plays an active role in hosting and participating in PfP training activities and exercises. Since 2006, Kazakhstan has hosted annual military exercises called “Steppe Eagle” together with NATO countries and regional partners.",
 "Kazakhstan’s PfP Training Centre (KAZCENT) was recognised by NATO as a Partnership Training and Education Centre in December 2010. KAZCENT offers annual courses – open to Allies and partners – on military English and NATO staff procedures, as well as an orientation course on the history, economy and culture of Central Asia and Afghanistan. In addition, two UN courses were certified in 2018.",
 "NATO’s Defence Education Enhancement Programme (DEEP) for Kazakhstan began in 2007 with the National Defence University of Kazakhstan, with the aim of bringing curricula and teaching methods in line with international standards. Cooperation was later extended to KAZCENT, the Non-Commissioned Officers’ Training Centre and the Land Forces Defence Institute. The DEEP programmes in support of KAZCENT, the Non-Commissioned Officers’ Training Centre and the Land Forces Defence Institute have all been completed, while support to the National Defence University continues.",
 "Since 2014, under the Partnership Interoperability Initiative, Kazakhstan has taken part in the Interoperability Platform, which brings together Allies and partners that actively contribute to NATO operations.",
]
CAP_FR_2022 = [
 "La participation du Kazakhstan au processus de planification et d'examen (PARP) du PPP depuis 2002 aide à améliorer l'interopérabilité de certains éléments de ses forces armées avec les forces des pays de l'OTAN. Des travaux conjoints se poursuivent pour développer le régiment de maintien de la paix amené à opérer aux côtés des Alliés.",
 "Le Kazakhstan joue un rôle actif en accueillant des activités d’entraînement et des exercices du PPP et en y participant. Depuis 2006, il accueille, en coopération avec des pays de l’OTAN et des partenaires régionaux, des exercices militaires annuels appelés « Steppe Eagle ».",
 "Le Centre de formation et d'entraînement PPP du Kazakhstan (KAZCENT) a été reconnu par l'OTAN comme centre de formation et d'entraînement des partenariats en décembre 2010. Le KAZCENT propose des stages annuels – ouverts aux Alliés et aux partenaires – sur l'anglais militaire et les procédures d’état-major OTAN, ainsi qu'un stage de familiarisation à l'histoire, à l'économie et à la culture de l'Asie centrale et de l'Afghanistan.&nbsp; En outre, deux stages de l’ONU ont été certifiés en 2018.",
 "Pour le Kazakhstan, le programme de renforcement de la formation « défense » (DEEP) de l’OTAN a commencé en 2007, avec l’Université nationale de défense du Kazakhstan ; il vise à faire en sorte que les programmes et les méthodes soient conformes aux normes internationales. La coopération a été ensuite étendue au KAZCENT, au Centre de formation des sous-officiers et à l'Institut de défense de l'armée de terre. Les programmes DEEP à l’appui du KAZCENT, du Centre de formation des sous-officiers et de l'Institut de défense de l'armée de terre ont tous été menés à bien, tandis que le soutien à l’Université nationale de défense se poursuit.",
 "Depuis 2014, dans le cadre de l’initiative pour l’interopérabilité avec les partenaires, le Kazakhstan participe à la plateforme d'interopérabilité, laquelle rassemble les Alliés et les pays partenaires qui contribuent activement aux opérations de l’OTAN.",
]
OTHER_EN_2022 = [
 "Kazakhstan is enhancing its civil preparedness and national disaster-management capabilities through cooperation with NATO and participation in activities organised by the Euro-Atlantic Disaster Response Coordination Centre (EADRCC). It has taken part in five consequence-management field exercises (2003 to 2012) and hosted the EADRCC exercise “ZHETYSU” near Almaty in 2009. Kazakhstan has also offered assistance to Allies and partner countries hit by natural and man-made disasters in response to eight EADRCC requests for international assistance.",
 "Since 1993, Kazakhstan has been actively engaged in NATO’s Science for Peace and Security (SPS) Programme. Key areas of cooperation include environmental security and defence against chemical, biological, radiological and nuclear agents.",
 "NATO and Kazakhstan also work extensively to raise awareness of the Alliance and the benefits of their cooperation.",
]
OTHER_FR_2022 = [
 "Le Kazakhstan améliore l’état de préparation de son secteur civil et ses capacités nationales de gestion des catastrophes en coopérant avec l’OTAN et en participant aux activités organisées par le Centre euro-atlantique de coordination des réactions en cas de catastrophe (EADRCC). Il a participé à cinq exercices sur le terrain de gestion des conséquences (de 2003 à 2012) et il a accueilli l’exercice “ZHETSYU” de l’EADRCC, qui s’est déroulé près d’Almaty en 2009. Le Kazakhstan a également offert son aide aux Alliés et aux pays partenaires frappés par des catastrophes d'origine naturelle ou humaine en réponse à huit demandes urgentes d’assistance internationale de l’EADRCC.",
 "Depuis 1993, le Kazakhstan participe activement au programme pour la science au service de la paix et de la sécurité (SPS) de l’OTAN. Les principaux domaines de coopération sont entre autres la sécurité environnementale et la défense contre les agents chimiques, biologiques, radiologiques et nucléaires.",
 "L'OTAN et le Kazakhstan travaillent aussi largement à mieux faire connaître l’Alliance et les avantages de leur coopération.",
]

def layout4(lang):
    if lang == "en":
        return dict(title="Relations with Kazakhstan", stamp="Last updated: 23 May. 2022 15:32", body=[
            ("p", LEAD_EN), ("img", PALACE, PALACE), ("p", "&nbsp;"), ("ul", HL_EN_2022),
            ("h2", "Key areas of cooperation"), ("p", "Kazakhstan’s cooperation with NATO is mutually beneficial in the areas listed below."),
            ("h3", "Building capabilities and interoperability"), ("ul", CAP_EN_2022),
            ("h3", "Other areas of cooperation"), ("ul", OTHER_EN_2022)])
    return dict(title="Relations avec le Kazakhstan", stamp="Mis à jour le: 23 May. 2022 15:38", body=[
        ("p", LEAD_FR), ("img", PALACE, PALACE), ("p", "&nbsp;"), ("ul", HL_FR_2022),
        ("h2", "Principaux domaines de coopération"), ("p", "La coopération entre le Kazakhstan et l’OTAN s’exerce au bénéfice des deux parties dans les domaines énumérés ci-après."),
        ("h3", "Renforcement des capacités et de l’interopérabilité"), ("ul", CAP_FR_2022),
        ("h3", "Autres domaines de coopération"), ("ul", OTHER_FR_2022)])

# ---- layout 1 (2010, flat) ----
def layout1(lang):
    if lang == "en":
        return dict(title="NATO's relations with Kazakhstan", stamp=None, body=[
          ("p", "NATO and Kazakhstan actively cooperate on democratic, institutional and defence reforms, and have developed practical cooperation in many other areas. Kazakhstan’s reform plans are set out in its Individual Partnership Action Plan (IPAP), which was first agreed with NATO in January 2006."),
          ("p", "Kazakhstan joined the North Atlantic Cooperation Council in 1992 and the Partnership for Peace in 1995. The country is an important partner for the Alliance in Central Asia."),
          ("p", "Dialogue and cooperation are underpinned by regular high-level visits. The NATO Secretary General’s Special Representative for the Caucasus and Central Asia visits the country regularly."),
          ("h2", "Framework for cooperation"),
          ("p", "Kazakhstan’s relations with NATO are set out in an Individual Partnership Action Plan (IPAP), which lays out the programme of cooperation between Kazakhstan and the Alliance. Kazakhstan was the first Central Asian country to agree an IPAP with NATO, in January 2006."),
          ("p", "Kazakhstan also participates in the PfP Planning and Review Process (PARP), which it joined in 2002. PARP helps to develop interoperability and to assess the capabilities of forces that might be made available for multinational training, exercises and operations."),
          ("h2", "Key areas of cooperation"),
          ("h3", "Security cooperation"),
          ("p", "Kazakhstan’s primary objective in its cooperation with NATO is to develop the capabilities of its peacekeeping forces. Since 2006, Kazakhstan has hosted the annual “Steppe Eagle” exercise together with NATO countries."),
          ("p", "The peacekeeping battalion KAZBAT, later enlarged into a brigade known as KAZBRIG, is being developed to be interoperable with NATO forces."),
          ("h3", "Defence and security sector reform"),
          ("p", "NATO supports defence reform in Kazakhstan through the IPAP and PARP. Under the Defence Education Enhancement Programme (DEEP), which began in 2007, NATO assists the National Defence University of Kazakhstan in developing its curricula."),
          ("h3", "Civil emergency planning"),
          ("p", "Kazakhstan cooperates with NATO’s Euro-Atlantic Disaster Response Coordination Centre (EADRCC). In 2009, it hosted the EADRCC consequence-management exercise “ZHETYSU” near Almaty."),
          ("h3", "Science and environment"),
          ("p", "Since 1993, Kazakh scientists have participated in NATO’s Science for Peace and Security (SPS) Programme. Projects have focused on environmental security, including the clean-up of former nuclear test sites and water management in Central Asia."),
          ("h3", "Public information"),
          ("p", "NATO and Kazakhstan work together to raise public awareness of NATO and of the benefits of cooperation. A NATO Information Point was opened in Astana."),
        ])
    return dict(title="Les relations de l'OTAN avec le Kazakhstan", stamp="Mis à jour le: 26-Aug-2010 11:12", body=[
          ("p", "L’OTAN et le Kazakhstan coopèrent activement pour la mise en œuvre de réformes démocratiques, institutionnelles et de défense, et ils ont mis en place une coopération pratique dans de nombreux autres domaines. Les plans de réforme du Kazakhstan sont exposés dans son plan d’action individuel pour le partenariat (IPAP), agréé pour la première fois avec l’OTAN en janvier 2006."),
          ("p", "Le Kazakhstan a adhéré au Conseil de coopération nord-atlantique en 1992 et au Partenariat pour la paix en 1995. Le pays est un partenaire important de l’Alliance en Asie centrale."),
          ("h2", "Cadre de la coopération"),
          ("p", "Les relations du Kazakhstan avec l’OTAN sont définies dans un plan d’action individuel pour le partenariat (IPAP). Le Kazakhstan a été le premier pays d’Asie centrale à agréer un IPAP avec l’OTAN, en janvier 2006."),
          ("p", "Le Kazakhstan participe également au processus de planification et d’examen (PARP) du PPP, auquel il a adhéré en 2002."),
          ("h2", "Principaux domaines de coopération"),
          ("h3", "Coopération en matière de sécurité"),
          ("p", "Le principal objectif du Kazakhstan dans sa coopération avec l’OTAN est de développer les capacités de ses forces de maintien de la paix. Depuis 2006, le Kazakhstan accueille chaque année l’exercice « Steppe Eagle » avec des pays de l’OTAN."),
          ("h3", "Réforme du secteur de la défense et de la sécurité"),
          ("p", "Dans le cadre du programme de renforcement de la formation « défense » (DEEP), lancé en 2007, l’OTAN aide l’Université nationale de défense du Kazakhstan à élaborer ses programmes."),
          ("h3", "Plans civils d’urgence"),
          ("p", "Le Kazakhstan coopère avec le Centre euro-atlantique de coordination des réactions en cas de catastrophe (EADRCC). En 2009, il a accueilli l’exercice « ZHETYSU » près d’Almaty."),
          ("h3", "Science et environnement"),
          ("p", "Depuis 1993, des scientifiques kazakhs participent au programme pour la science au service de la paix et de la sécurité (SPS) de l’OTAN."),
        ])

# ---- layout 2 (2012, accordion with real h2 in li) ----
EVOL_EN = [
 ("1992", "Kazakhstan joins the North Atlantic Cooperation Council."),
 ("1995", "Kazakhstan joins the Partnership for Peace."),
 ("2002", "Kazakhstan joins the PfP Planning and Review Process (PARP)."),
 ("2006", "Kazakhstan agrees its first Individual Partnership Action Plan (IPAP) with NATO. First “Steppe Eagle” exercise."),
 ("2007", "The Defence Education Enhancement Programme (DEEP) for Kazakhstan begins."),
 ("2010", "KAZCENT is recognised as a Partnership Training and Education Centre."),
]
EVOL_FR = [
 ("1992", "Le Kazakhstan adhère au Conseil de coopération nord-atlantique."),
 ("1995", "Le Kazakhstan adhère au Partenariat pour la paix."),
 ("2002", "Le Kazakhstan adhère au processus de planification et d’examen (PARP) du PPP."),
 ("2006", "Le Kazakhstan agrée son premier plan d’action individuel pour le partenariat (IPAP) avec l’OTAN. Premier exercice « Steppe Eagle »."),
 ("2007", "Début du programme DEEP pour le Kazakhstan."),
 ("2010", "Le KAZCENT est reconnu comme centre de formation et d’entraînement des partenariats."),
]
def layout2(lang):
    if lang == "en":
        return dict(title="NATO's relations with Kazakhstan", stamp="Last updated 02-Mar-2012 15:38", body=[
          ("p", LEAD_EN), ("img", "Kazakh and NATO officers during exercise Steppe Eagle", "Kazakh and NATO officers during exercise Steppe Eagle"), ("p", "&nbsp;"),
          ("acc_h2", [
            ("Framework for cooperation", [
              ("p", "Kazakhstan’s reform plans and timelines are set out in its Individual Partnership Action Plan (IPAP), which is agreed for a two-year period. Kazakhstan was the first Central Asian partner to agree an IPAP, in January 2006."),
              ("p", "Kazakhstan’s participation in the PfP Planning and Review Process (PARP) since 2002 helps develop the interoperability of its forces with those of NATO countries.")]),
            ("Key areas of cooperation", [
              ("h5", "Security cooperation"),
              ("p", "Kazakhstan plays an active role in hosting and participating in PfP training activities and exercises. Since 2006, it has hosted the annual “Steppe Eagle” exercise together with NATO countries."),
              ("h5", "Defence and security sector reform"),
              ("p", "NATO’s Defence Education Enhancement Programme (DEEP) for Kazakhstan began in 2007 with the National Defence University of Kazakhstan."),
              ("h5", "Civil emergency planning"),
              ("p", "Kazakhstan cooperates with the Euro-Atlantic Disaster Response Coordination Centre (EADRCC) and hosted the exercise “ZHETYSU” near Almaty in 2009."),
              ("h5", "Science and environment"),
              ("p", "Since 1993, Kazakhstan has been actively engaged in NATO’s Science for Peace and Security (SPS) Programme.")]),
            ("Evolution of relations", [("p", "<strong>%s</strong> %s" % e) for e in EVOL_EN]),
          ])])
    return dict(title="Les relations de l'OTAN avec le Kazakhstan", stamp="Mis à jour le 02-Mar-2012 16:10", body=[
          ("p", LEAD_FR), ("img", "Kazakh and NATO officers during exercise Steppe Eagle", "Kazakh and NATO officers during exercise Steppe Eagle"), ("p", "&nbsp;"),
          ("acc_h2", [
            ("Cadre de la coopération", [
              ("p", "Le Kazakhstan expose ses plans de réforme, assortis d’échéances, dans son plan d’action individuel pour le partenariat (IPAP), qui est agréé pour une période de deux ans."),
              ("p", "La participation du Kazakhstan au processus de planification et d'examen (PARP) du PPP depuis 2002 aide à améliorer l'interopérabilité de ses forces.")]),
            ("Principaux domaines de coopération", [
              ("h5", "Coopération en matière de sécurité"),
              ("p", "Le Kazakhstan joue un rôle actif en accueillant des activités d’entraînement et des exercices du PPP. Depuis 2006, il accueille chaque année l’exercice « Steppe Eagle »."),
              ("h5", "Réforme du secteur de la défense et de la sécurité"),
              ("p", "Le programme DEEP de l’OTAN pour le Kazakhstan a commencé en 2007, avec l’Université nationale de défense du Kazakhstan."),
              ("h5", "Plans civils d’urgence"),
              ("p", "Le Kazakhstan coopère avec l’EADRCC et a accueilli l’exercice « ZHETYSU » près d’Almaty en 2009.")]),
            ("Évolution des relations", [("p", "<strong>%s</strong> %s" % e) for e in EVOL_FR]),
          ])])

# ---- layout 3 (2017, highlights + accordion with <a> titles) ----
HL3_EN = HL_EN_2022[:2] + [
 "Kazakhstan’s cooperation with NATO is based on its Individual Partnership Action Plan (IPAP).",
 "Kazakhstan hosts the annual “Steppe Eagle” exercise, and its PfP Training Centre (KAZCENT) has been a Partnership Training and Education Centre since 2010.",
]
HL3_FR = HL_FR_2022[:2] + [
 "La coopération du Kazakhstan avec l’OTAN repose sur son plan d’action individuel pour le partenariat (IPAP).",
 "Le Kazakhstan accueille chaque année l’exercice « Steppe Eagle », et son Centre de formation et d'entraînement PPP (KAZCENT) est un centre de formation et d'entraînement des partenariats depuis 2010.",
]
def layout3(lang, highlights):
    if lang == "en":
        body = [("p", LEAD_EN), ("img", PALACE, PALACE)]
        if highlights: body.append(("h3", "Highlights"))
        body += [("ul", HL3_EN), ("h2", "More background information"), ("acc_a", [
            ("Framework for cooperation", [
              ("p", "Kazakhstan’s reform plans and timelines are set out in its Individual Partnership Action Plan (IPAP), which is agreed for a two-year period. NATO supports Kazakhstan in achieving these reforms by providing focused, country-specific advice and assistance."),
              ("p", "The NATO Secretary General’s Special Representative for the Caucasus and Central Asia maintains high-level political dialogue with the Kazakh authorities.")]),
            ("Key areas of cooperation", [
              ("h5", "Security cooperation"),
              ("p", "Kazakhstan’s participation in the PfP Planning and Review Process (PARP) since 2002 has helped develop the ability of elements of its armed forces to work with forces from NATO countries."),
              ("p", "Since 2006, Kazakhstan has hosted annual military exercises called “Steppe Eagle” together with NATO countries and regional partners."),
              ("h5", "Defence and security sector reform"),
              ("p", "NATO’s Defence Education Enhancement Programme (DEEP) for Kazakhstan began in 2007 with the National Defence University of Kazakhstan and was later extended to KAZCENT."),
              ("h5", "Civil emergency planning"),
              ("p", "Kazakhstan has taken part in five consequence-management field exercises and hosted the EADRCC exercise “ZHETYSU” near Almaty in 2009."),
              ("h5", "Science and environment"),
              ("p", "Since 1993, Kazakhstan has been actively engaged in NATO’s Science for Peace and Security (SPS) Programme.")]),
            ("Evolution of relations", [("p", "Relations with Kazakhstan started in 1992, when the country joined the North Atlantic Cooperation Council. Practical cooperation began in 1995, when Kazakhstan joined the Partnership for Peace."),
              ("p", "Kazakhstan agreed its first IPAP in 2006; KAZCENT was recognised by NATO in December 2010.")]),
        ])]
        return dict(title="Relations with Kazakhstan", stamp="Last updated: 20 Sep. 2017 16:22", body=body)
    body = [("p", LEAD_FR), ("img", PALACE, PALACE)]
    if highlights: body.append(("h3", "Highlights"))
    body += [("ul", HL3_FR), ("h2", "Informations complémentaires"), ("acc_a", [
        ("Cadre de la coopération", [
          ("p", "Le Kazakhstan expose ses plans de réforme, assortis d’échéances, dans son plan d’action individuel pour le partenariat (IPAP), qui est agréé pour une période de deux ans."),
          ("p", "Le représentant spécial du secrétaire général de l'OTAN pour le Caucase et l'Asie centrale maintient un dialogue politique de haut niveau avec les autorités kazakhes.")]),
        ("Principaux domaines de coopération", [
          ("h5", "Coopération en matière de sécurité"),
          ("p", "La participation du Kazakhstan au processus de planification et d'examen (PARP) du PPP depuis 2002 aide à améliorer l'interopérabilité de certains éléments de ses forces armées avec les forces des pays de l'OTAN."),
          ("h5", "Réforme du secteur de la défense et de la sécurité"),
          ("p", "Le programme DEEP de l’OTAN pour le Kazakhstan a commencé en 2007 avec l’Université nationale de défense du Kazakhstan."),
          ("h5", "Science et environnement"),
          ("p", "Depuis 1993, le Kazakhstan participe activement au programme pour la science au service de la paix et de la sécurité (SPS) de l’OTAN.")]),
        ("Évolution des relations", [("p", "Les relations avec le Kazakhstan ont débuté en 1992. La coopération pratique a démarré en 1995, avec l’adhésion du Kazakhstan au Partenariat pour la paix.")]),
    ])]
    return dict(title="Relations avec le Kazakhstan", stamp="Mis à jour le: 19 Oct. 2017 14:05", body=body)

# ---- layout 5 (2025, new site) ----
def layout5(lang):
    if lang == "en":
        return dict(title="Relations with Kazakhstan", stamp="Updated: 09 May 2025", body=[
          ("p", LEAD_EN), ("img5", PALACE, PALACE), ("ul", HL_EN_2022),
          ("h2", "Political dialogue"),
          ("p", "Political dialogue takes place in the framework of the Euro-Atlantic Partnership Council and through regular visits of the NATO Secretary General’s Special Representative for the Caucasus and Central Asia."),
          ("h2", "Key areas of cooperation"),
          ("p", "Kazakhstan’s cooperation with NATO is mutually beneficial in the areas listed below."),
          ("h3", "Building capabilities and interoperability"),
          ("ul", ["<strong>Planning and review:</strong> " + CAP_EN_2022[0], "<strong>Training and exercises:</strong> " + CAP_EN_2022[1], "<strong>Education:</strong> " + CAP_EN_2022[2], "<strong>Interoperability:</strong> " + CAP_EN_2022[4]]),
          ("h3", "Other areas of cooperation"),
          ("ul", ["<strong>Civil preparedness:</strong> " + OTHER_EN_2022[0], "<strong>Science for peace and security:</strong> " + OTHER_EN_2022[1], "<strong>Cyber defence:</strong> Kazakhstan and NATO exchange information on cyber defence policy and take part in related training.", "<strong>Public diplomacy:</strong> " + OTHER_EN_2022[2]]),
        ])
    return dict(title="Relations avec le Kazakhstan", stamp="Mis à jour le : 09 mai 2025", body=[
          ("p", LEAD_FR), ("img5", PALACE, PALACE), ("ul", HL_FR_2022),
          ("h2", "Dialogue politique"),
          ("p", "Le dialogue politique se déroule dans le cadre du Conseil de partenariat euro-atlantique et à l’occasion des visites régulières du représentant spécial du secrétaire général de l'OTAN pour le Caucase et l'Asie centrale."),
          ("h2", "Principaux domaines de coopération"),
          ("p", "La coopération entre le Kazakhstan et l’OTAN s’exerce au bénéfice des deux parties dans les domaines énumérés ci-après."),
          ("h3", "Renforcement des capacités et de l’interopérabilité"),
          ("ul", ["<strong>Planification et examen :</strong> " + CAP_FR_2022[0], "<strong>Entraînement et exercices :</strong> " + CAP_FR_2022[1], "<strong>Formation :</strong> " + CAP_FR_2022[2], "<strong>Interopérabilité :</strong> " + CAP_FR_2022[4]]),
          ("h3", "Autres domaines de coopération"),
          ("ul", ["<strong>Préparation du secteur civil :</strong> " + OTHER_FR_2022[0], "<strong>Science au service de la paix et de la sécurité :</strong> " + OTHER_FR_2022[1], "<strong>Cyberdéfense :</strong> le Kazakhstan et l’OTAN échangent des informations sur la politique de cyberdéfense et participent à des formations dans ce domaine.", "<strong>Diplomatie publique :</strong> " + OTHER_FR_2022[2]]),
        ])
