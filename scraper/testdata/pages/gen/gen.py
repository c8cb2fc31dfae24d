# Generates the layout fixtures (layout*.html) in the parent directory:
#   python3 scraper/testdata/pages/gen/gen.py
# Deterministic (seeded). The chrome is invented but realistic; the 2022
# French text is the real page text (seed/kazakhstan-fr-2022.txt). The
# maintenance, error, windows-1252, malformed and deep-600 fixtures are
# hand-written and not generated.
import random, os, sys
sys.path.insert(0, os.path.dirname(__file__))
from content import *

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

TOPICS = """Ability to operate in the face of CBRN threats|Afghanistan|Air and missile defence|Air policing|Allied Command Operations|Allied Command Transformation|Arms control, disarmament and non-proliferation|Article 5|Biological and chemical weapons|Boosting NATO's presence in the east and southeast|Building integrity|Capabilities|Centres of Excellence|Civil preparedness|Climate change and security|Collective defence|Combating terrorism|Committees|Consensus decision-making|Countering hybrid threats|Crisis management|Cyber defence|Deterrence and defence|Defence expenditures|Defence Education Enhancement Programme (DEEP)|Defence Planning Process|Emerging and disruptive technologies|Energy security|Enlargement|Euro-Atlantic Disaster Response Coordination Centre (EADRCC)|Euro-Atlantic Partnership Council|Exercises|Financial resources|Founding treaty|Gender balance and diversity|Human security|Individual Partnership Action Plans|Integrated Air and Missile Defence|Interoperability|Kosovo Force (KFOR)|Maritime security|Member countries|Military Committee|NATO Defence College|NATO Parliamentary Assembly|NATO Response Force|North Atlantic Council|Nuclear deterrence|Operations and missions|Partnership for Peace programme|Partnership Interoperability Initiative|Partnership Training and Education Centres|Partnerships: projecting stability through cooperation|Planning and Review Process (PARP)|Public diplomacy|Resilience|Science for Peace and Security|Secretary General|Small arms and light weapons|Smart Defence|Space|Standardization|Strategic Concepts|Summit meetings|Trust Funds|Women, Peace and Security|Youth""".split("|")
RELATIONS = ["Ukraine", "Georgia", "the Republic of Moldova", "Armenia", "Azerbaijan", "Uzbekistan", "the Kyrgyz Republic", "Tajikistan", "Turkmenistan", "Mongolia", "Serbia", "Bosnia and Herzegovina", "Switzerland", "Austria", "Ireland", "Japan", "Australia", "the Republic of Korea", "New Zealand", "Iraq", "Russia", "Belarus", "Kazakhstan"]
IDS = [37750, 38988, 49727, 48893, 49111, 22839, 49607, 50312, 50317, 85297, 50100, 49127, 52129, 48901, 51979, 50336, 48899, 50098, 52347, 88247, 50090, 49119, 49598]
NEWS = ["Secretary General meets partners in Brussels", "NATO Deputy Secretary General visits Central Asia", "Allies discuss partnerships at NATO Headquarters", "NATO hosts Euro-Atlantic Partnership Council meeting", "Partnership Training and Education Centres meet in Astana", "Steppe Eagle exercise concludes", "NATO Special Representative visits Kazakhstan", "Science for Peace and Security project launched in Almaty", "Defence education experts meet in Nur-Sultan", "Civil emergency planners train in Central Asia", "NATO and partners discuss women, peace and security", "Military Committee meets in Chiefs of Defence session"]

def link(r, href, text, cls="", extra=""):
    c = ' class="%s"' % cls if cls else ""
    return '<a href="%s"%s title="%s"%s>%s</a>' % (href, c, text.replace('"', "&quot;"), extra, text)

def topic_href(lang, i, t):
    return "/cps/%s/natohq/topics_%d.htm" % (lang, 1000 + i * 37)

def style_block():
    rules = []
    for i, sel in enumerate(["body", ".fs-huge", ".content", ".cf:after", ".meta-list li", ".nav-main > li", ".box-grey", ".footer a", ".share a", ".left-menu li", "h2", "h3", "h5", ".caption", "figure figcaption", ".lang-switch a", ".search-box input", ".breadcrumb li", ".btn", ".col-md-8", ".col-md-4", ".news-list li", ".az-index a"]):
        rules.append("%s { margin: %dpx %dpx; padding: %dpx; font-size: %.2fem; color: #%06x; line-height: 1.%d; }" % (sel, i % 7, i % 5, i % 9, 0.8 + (i % 6) / 10, (i * 7919) % 0xffffff, i % 9))
    return "<style type=\"text/css\">\n" + "\n".join(rules * 3) + "\n</style>\n"

def scripts(r, lang):
    tok = "%032x" % r.getrandbits(128)
    return """<script type="text/javascript">
var _gaq = _gaq || []; _gaq.push(['_setAccount', 'UA-%d-1']); _gaq.push(['_trackPageview']);
var relwatchTrap = "Last updated: 01 Jan. 2001 00:00"; // script text must never reach the snapshot
var csrfToken = "%s";
function printPage() { window.print(); return false; }
document.write('<h1 class="fs-huge">Injected heading from script</h1>');
(function() { var ga = document.createElement('script'); ga.type = 'text/javascript'; ga.async = true;
ga.src = ('https:' == document.location.protocol ? 'https://ssl' : 'http://www') + '.google-analytics.com/ga.js';
var s = document.getElementsByTagName('script')[0]; s.parentNode.insertBefore(ga, s); })();
</script>
""" % (r.randint(1000000, 9999999), tok) + "<script>\n" + "\n".join("window.menuData%d = {id: %d, label: \"%s\", open: false};" % (i, i, t.replace('"', "")) for i, t in enumerate(TOPICS)) + "\n</script>\n"

def mega_menu(r, lang):
    cats = {"en": ["NATO at a glance", "What we do", "Structure", "News and events", "Multimedia"],
            "fr": ["L'OTAN en bref", "Ce que nous faisons", "Structure", "Actualités", "Multimédia"]}[lang]
    out = ['<ul class="nav-main">']
    for ci, c in enumerate(cats):
        out.append('<li class="nav-item dropdown"><a href="#" class="dropdown-toggle" data-toggle="dropdown">%s</a><ul class="dropdown-menu">' % c)
        for j in range(14):
            t = TOPICS[(ci * 14 + j) % len(TOPICS)]
            out.append('<li>%s</li>' % link(r, topic_href(lang, ci * 14 + j, t), t))
        out.append('</ul></li>')
    out.append('</ul>')
    return "\n".join(out)

def focus_menu(r, lang):
    # 2018+ sites carry a large "in focus" menu with teaser descriptions.
    out = ['<div class="megamenu-focus"><ul class="focus-list">']
    for i in range(90):
        t = TOPICS[i % len(TOPICS)]
        out.append('<li class="focus-item"><a href="%s?utm_source=menu&amp;utm_medium=focus%d"><span class="focus-title">%s</span><span class="focus-desc">An overview of %s: background, policy, key documents and latest news.</span></a></li>' % (topic_href(lang, i, t), i, t, t))
    out.append('</ul></div>')
    return "\n".join(out)

def az_index(r, lang):
    out = ['<div class="left-menu"><h3>Topics A-Z</h3><ul class="az-index">']
    for i, t in enumerate(sorted(TOPICS)):
        out.append('<li>%s</li>' % link(r, topic_href(lang, i, t), t))
    for c, i in zip(RELATIONS, IDS):
        out.append('<li>%s</li>' % link(r, "/cps/%s/natohq/topics_%d.htm" % (lang, i), "Relations with " + c))
    out.append('</ul></div>')
    return "\n".join(out)

def lang_switch(lang, tid=49598):
    return '<ul class="lang-switch">' + "".join('<li><a href="/cps/%s/natohq/topics_%d.htm" hreflang="%s"%s>%s</a></li>' % (l, tid, l, ' class="active"' if l == lang else "", n) for l, n in [("en", "English"), ("fr", "Français"), ("ru", "Русский"), ("uk", "Українська")]) + '</ul>'

def share(r, lang, cls="addthis_toolbox"):
    tok = "%024x" % r.getrandbits(96)
    u = "https%%3A%%2F%%2Fwww.nato.int%%2Fcps%%2F%s%%2Fnatohq%%2Ftopics_49598.htm" % lang
    return '<div class="%s"><ul>' % cls + "".join('<li><a href="%s?u=%s&amp;rt=%s" target="_blank" rel="noopener"><img src="/img/icons/%s.png" alt="%s icon"> %s</a></li>' % (h, u, tok, n.lower(), n, n) for h, n in [("https://www.facebook.com/sharer/sharer.php", "Facebook"), ("https://twitter.com/intent/tweet", "Twitter"), ("https://www.linkedin.com/shareArticle", "LinkedIn"), ("mailto:", "E-mail")]) + '</ul></div>'

def related_box(r, lang):
    h = {"en": "Related", "fr": "Sur le même sujet"}[lang]
    items = ["Partnership for Peace programme", "Partnership Training and Education Centres", "Euro-Atlantic Partnership Council", "Individual Partnership Action Plans", "Defence Education Enhancement Programme (DEEP)"]
    return '<div class="box box-grey"><h4>%s</h4><ul>' % h + "".join('<li>%s</li>' % link(r, topic_href(lang, i, t), t) for i, t in enumerate(items)) + '</ul></div>'

def related_news(r, lang, year):
    h = {"en": "Related news", "fr": "Actualités liées"}[lang]
    out = ['<div class="related-news"><h4>%s</h4><ul class="news-list">' % h]
    for i, n in enumerate(NEWS):
        out.append('<li>%s <span class="date">%02d %s. %d</span></li>' % (link(r, "/cps/%s/natohq/news_%d.htm" % (lang, 180000 + i * 13), n), 1 + (i * 3) % 28, ["Jan", "Feb", "Mar", "Apr", "May", "Jun"][i % 6], year))
    out.append('</ul></div>')
    return "\n".join(out)

def footer(r, lang, year, tag="footer"):
    groups = {"en": ["About NATO", "Contact us", "Visiting NATO", "Job vacancies", "Accessibility", "Privacy and cookies", "Terms of use", "Sitemap"], "fr": ["À propos de l'OTAN", "Nous contacter", "Visiter l'OTAN", "Offres d'emploi", "Accessibilité", "Vie privée et cookies", "Conditions d'utilisation", "Plan du site"]}[lang]
    out = ['<%s id="footer" class="site-footer">' % tag if tag != "footer" else '<footer class="site-footer">']
    for k in range(4):
        out.append('<ul class="footer-links">' + "".join('<li>%s</li>' % link(r, "/cps/%s/natohq/%d.htm" % (lang, 5000 + k * 100 + i), g) for i, g in enumerate(groups)) + '</ul>')
    out.append('<p class="copyright">© NATO %d. All rights reserved. North Atlantic Treaty Organization, Boulevard Léopold III, 1110 Brussels, Belgium</p>' % year)
    out.append('</%s>' % ("footer" if tag == "footer" else tag))
    return "\n".join(out)

def render_blocks(blocks, layout):
    out = []
    for b in blocks:
        k = b[0]
        if k == "p":
            out.append("<p>%s</p>" % b[1])
        elif k in ("h2", "h3", "h5"):
            out.append("<%s>%s</%s>" % (k, b[1], k))
        elif k == "ul":
            out.append("<ul>\n" + "\n".join("  <li>%s</li>" % i for i in b[1]) + "\n</ul>")
        elif k == "img":
            alt, cap = b[1], b[2]
            if layout == 2:
                out.append('<div class="photo"><img src="/nato_static/assets/pictures/kz_steppe.jpg" alt="%s" title="%s" width="300"><p>%s</p></div>' % (alt, alt, cap))
            elif layout == 3:
                out.append('<div class="image-box"><a href="/nato_static/assets/pictures/kz_palace_big.jpg"><img src="/nato_static/assets/pictures/kz_palace.jpg" alt="%s"></a><div class="caption">%s</div></div>' % (alt, cap))
            else:
                out.append('<figure class="img-responsive"><img src="/nato_static_fl2014/assets/pictures/2019/kz_palace.jpg" alt="%s"><figcaption>%s</figcaption></figure>' % (alt, cap))
        elif k == "img5":
            out.append('<div class="image"><div class="cmp-image" itemscope itemtype="http://schema.org/ImageObject"><img src="/content/dam/nato/kz/palace.jpg" class="cmp-image__image" itemprop="contentUrl" alt="%s"><meta itemprop="caption" content="%s"><span class="cmp-image__title" itemprop="caption">%s</span></div></div>' % (b[1], b[1], b[2]))
        elif k == "acc_h2":
            out.append('<ul class="accordion">')
            for t, body in b[1]:
                out.append('<li class="accordion-item"><h2 class="accordion-heading">%s</h2>\n<div class="accordion-body">%s</div></li>' % (t, render_blocks(body, layout)))
            out.append('</ul>')
        elif k == "acc_a":
            out.append('<ul class="collapsible">')
            for t, body in b[1]:
                out.append('<li><a href="#" class="trigger">%s</a>\n<div class="panel" style="display:none">%s</div></li>' % (t, render_blocks(body, layout)))
            out.append('</ul>')
    return "\n".join(out)

def old_site(name, lang, layout, c, year, r, wayback=False):
    title_tag = "NATO - Topic: %s" % c["title"]
    stamp = c["stamp"]
    h = ['<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">' if layout <= 2 else "<!DOCTYPE html>",
         '<html lang="%s">' % ("en" if layout == 1 else lang), "<head>", '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
         "<title>%s</title>" % title_tag]
    h += ['<link rel="stylesheet" href="/nato_static_fl2014/assets/css/%s.css?v=%d">' % (n, r.randint(1, 999)) for n in ["main", "print", "fonts", "menu", "responsive"]]
    h.append(style_block())
    h.append(scripts(r, lang))
    h.append("</head>")
    h.append('<body class="lang-%s">' % lang)
    if wayback:
        h.append(wayback_toolbar(r))
    h.append('<div id="skip-links"><a href="#main">Skip to main content</a></div>')
    h.append('<div class="header"><a href="/cps/%s/natohq/index.htm"><img src="/img/nato-logo.png" alt="NATO OTAN logo"></a>%s' % (lang, lang_switch(lang)))
    h.append('<form class="search-box" action="/cps/%s/natohq/search.htm"><label for="q">Search</label><input id="q" name="q" type="text"><button type="submit">Go</button></form></div>' % lang)
    h.append('<nav class="navbar">%s</nav>' % mega_menu(r, lang))
    if layout >= 4:
        h.append(focus_menu(r, lang))
    h.append('<ol class="breadcrumb"><li><a href="/">Home</a></li><li><a href="#">Topics</a></li><li>%s</li></ol>' % c["title"])
    if layout == 1:
        # table layout of the late 2000s
        h.append('<table id="layout" width="100%" cellpadding="0" cellspacing="0"><tr><td class="leftcol" valign="top">')
        h.append(az_index(r, lang))
        h.append('</td><td class="maincol" valign="top">')
        h.append('<h1 class="fs-huge">%s</h1>' % c["title"])
        if stamp:
            h.append('<p class="date">%s</p>' % stamp)
        h.append(share(r, lang))
        h.append(render_blocks(c["body"], layout))
        h.append('<p>&nbsp;</p><p><a href="#top">Top of page</a></p>')
        h.append('</td><td class="rightcol" valign="top">%s</td></tr></table>' % related_box(r, lang))
        h.append(footer(r, lang, year, tag="div"))
    else:
        h.append('<div class="main-wrapper cf"><div class="col-md-3 left-col">%s</div><div class="col-md-6"><a name="main"></a>' % az_index(r, lang))
        h.append('<div class="title-area"><h1 class="fs-huge">%s</h1>' % c["title"])
        h.append('<ul class="meta-list inline"><li>%s</li><li><a href="javascript:printPage()">%s</a></li></ul></div>' % (stamp, {"en": "Print", "fr": "Imprimer"}[lang]))
        h.append(share(r, lang))
        h.append('<section class="content cf">\n%s\n</section>' % render_blocks(c["body"], layout))
        h.append(related_box(r, lang))
        h.append('</div><div class="col-md-3 right-col">%s</div></div>' % related_news(r, lang, year))
        h.append(footer(r, lang, year, tag="footer" if layout >= 4 else "div"))
    h.append('<script>window.addEventListener("load", function () { console.log("page loaded"); });</script>')
    h.append("</body></html>")
    if wayback:
        h.append("<!--\n     FILE ARCHIVED ON 10:12:45 Jun 02, 2022 AND RETRIEVED FROM THE\n     INTERNET ARCHIVE ON 12:00:00 Nov 01, 2026.\n-->")
    write(name, "\n".join(h))

def wayback_toolbar(r):
    return ('<script src="//archive.org/includes/athena.js" type="text/javascript"></script>\n'
            '<div id="wm-ipp-base" lang="en" style="display:none;direction:ltr;"><div id="wm-ipp" style="position:fixed;left:0;top:0;right:0;">'
            '<div id="wm-ipp-inside"><div id="wm-logo"><a href="/web/">The Wayback Machine</a></div>'
            '<p>%d captures<br>12 Mar 2009 - 02 Nov 2026</p><table><tr><td><a href="/web/20220501000000*/nato.int">MAY</a></td><td>JUN</td><td>JUL</td></tr></table>'
            '<p><a href="https://archive.org/account/login">Log in</a> | <a href="https://archive.org/about">About this capture</a></p></div></div></div>') % r.randint(100, 900)

def new_site(name, lang, c, r, logo_h1=False):
    mm = {"en": ("NATO MULTIMEDIA ACCOUNT", "Create your NATO Multimedia account to download high-resolution photos and videos, save your favourite items and receive our newsletter.", "Email address", "Password", "Your password must contain:", ["at least 12 characters", "one uppercase and one lowercase letter", "one number", "one special character (for example ! or #)"], "Forgot your password?", "Newsletter", "Subscribe to receive NATO news and multimedia updates in your inbox.", "Log in", "Create an account"),
          "fr": ("COMPTE MULTIMÉDIA DE L'OTAN", "Créez votre compte multimédia de l'OTAN pour télécharger des photos et des vidéos en haute résolution, enregistrer vos contenus favoris et recevoir notre lettre d'information.", "Adresse électronique", "Mot de passe", "Votre mot de passe doit contenir :", ["au moins 12 caractères", "une majuscule et une minuscule", "un chiffre", "un caractère spécial (par exemple ! ou #)"], "Mot de passe oublié ?", "Lettre d'information", "Abonnez-vous pour recevoir les actualités et les nouveautés multimédias de l'OTAN.", "Se connecter", "Créer un compte")}[lang]
    h = ["<!DOCTYPE html>", '<html lang="%s" dir="ltr">' % lang, "<head>", '<meta charset="UTF-8">', "<title>%s | NATO</title>" % c["title"],
         '<meta name="template" content="content-page">', '<link rel="canonical" href="https://www.nato.int/%s/what-we-do/partnerships-and-cooperation/relations-with-kazakhstan">' % lang]
    h += ['<link rel="stylesheet" href="/etc.clientlibs/nato/clientlibs/%s.lc-%032x-lc.min.css" type="text/css">' % (n, r.getrandbits(128)) for n in ["clientlib-base", "clientlib-site", "clientlib-dependencies"]]
    h.append('<script type="application/ld+json">{"@context":"https://schema.org","@type":"WebPage","name":"%s","dateModified":"2025-05-09"}</script>' % c["title"])
    h.append(style_block())
    h.append(scripts(r, lang))
    h.append('</head><body class="page basicpage" id="page-%08x">' % r.getrandbits(32))
    h.append('<div class="root container responsivegrid"><div id="container-%08x" class="cmp-container">' % r.getrandbits(32))
    logo = '<a href="/%s/"><img src="/content/dam/nato/logo.svg" alt="NATO OTAN"></a>' % lang
    if logo_h1:
        # A site logo marked up as an h1, before the page's own h1.
        logo = '<h1 class="cmp-header__title"><a href="/%s/"><img src="/content/dam/nato/logo.svg" alt="NATO OTAN"> <span>NATO</span></a></h1>' % lang
    h.append('<div class="experiencefragment"><div class="cmp-experiencefragment cmp-experiencefragment--header"><header class="cmp-header">%s' % logo)
    h.append('<ul class="cmp-languagenavigation">' + "".join('<li><a href="/%s/what-we-do/partnerships-and-cooperation/relations-with-kazakhstan" hreflang="%s">%s</a></li>' % (l, l, n) for l, n in [("en", "English"), ("fr", "Français")]) + '</ul>')
    h.append('<nav class="cmp-navigation" role="navigation">%s</nav>' % mega_menu(r, lang))
    h.append('<div class="cmp-navigation__topics">%s</div>' % az_index(r, lang))
    h.append(focus_menu(r, lang))
    h.append('</header></div></div>')
    h.append('<main id="main-content" class="container responsivegrid">')
    # The multimedia account sign-up block: page chrome before the title,
    # with no class a chrome rule would recognise.
    h.append('<div class="cmp-container mm-panel" id="mm-%08x"><div class="text"><h2>%s</h2><p>%s</p></div>' % (r.getrandbits(32), mm[0], mm[1]))
    h.append('<form method="post" action="/bin/nato/mm/login"><label for="mm-email">%s</label><input id="mm-email" type="email"><label for="mm-pw">%s</label><input id="mm-pw" type="password"><button type="submit">%s</button></form>' % (mm[2], mm[3], mm[9]))
    h.append('<p>%s</p><ul>%s</ul><p><a href="/%s/mm/forgot">%s</a></p><h3>%s</h3><p>%s</p><p><a class="cmp-button" href="/%s/mm/register">%s</a></p></div>' % (mm[4], "".join("<li>%s</li>" % x for x in mm[5]), lang, mm[6], mm[7], mm[8], lang, mm[10]))
    h.append('<div class="cmp-breadcrumb"><ol><li><a href="/%s/">NATO</a></li><li><a href="#">What we do</a></li><li>%s</li></ol></div>' % (lang, c["title"]))
    h.append('<div class="title"><div class="cmp-title"><h1 class="cmp-title__text">%s</h1></div></div>' % c["title"])
    h.append('<div class="text"><div class="cmp-text cmp-text--date"><p>%s</p></div></div>' % c["stamp"])
    for b in c["body"]:
        if b[0] in ("h2", "h3"):
            h.append('<div class="title"><div class="cmp-title"><%s class="cmp-title__text">%s</%s></div></div>' % (b[0], b[1], b[0]))
        else:
            h.append('<div class="text"><div class="cmp-text">%s</div></div>' % render_blocks([b], 5))
    h.append(share(r, lang, cls="cmp-share"))
    rc = {"en": "Related content", "fr": "Contenus associés"}[lang]
    h.append('<div class="teaser-list"><h2>%s</h2>' % rc)
    for i, t in enumerate(["Partnerships: projecting stability through cooperation", "Partnership for Peace programme", "Euro-Atlantic Partnership Council"]):
        h.append('<div class="cmp-teaser"><a class="cmp-teaser__link" href="/%s/what-we-do/%d"><div class="cmp-teaser__content"><h3 class="cmp-teaser__title">%s</h3><p class="cmp-teaser__description">%s</p></div></a></div>' % (lang, i, t, "Learn more about " + t + "."))
    h.append('</div></main>')
    h.append('<div class="experiencefragment"><div class="cmp-experiencefragment cmp-experiencefragment--footer">%s</div></div>' % footer(r, lang, 2025))
    h.append('</div></div>')
    h.append('<script src="/etc.clientlibs/nato/clientlibs/clientlib-site.lc-%032x-lc.min.js"></script>' % r.getrandbits(128))
    h.append("</body></html>")
    write(name, "\n".join(h))

def write(name, s, enc="utf-8"):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(s.encode(enc))

def main():
    os.makedirs(OUT, exist_ok=True)
    R = lambda n: random.Random(n)
    old_site("layout1-2010-en.html", "en", 1, layout1("en"), 2010, R(1))
    old_site("layout1-2010-fr.html", "fr", 1, layout1("fr"), 2010, R(2))
    old_site("layout2-2012-en.html", "en", 2, layout2("en"), 2012, R(3))
    old_site("layout2-2012-fr.html", "fr", 2, layout2("fr"), 2012, R(4))
    old_site("layout3-2017-en.html", "en", 3, layout3("en", True), 2017, R(5))
    old_site("layout3-2017-fr.html", "fr", 3, layout3("fr", False), 2017, R(6))
    old_site("layout3-2018-en-nohighlights.html", "en", 3, layout3("en", False), 2018, R(7))
    old_site("layout4-2022-en.html", "en", 4, layout4("en"), 2022, R(8))
    old_site("layout4-2022-fr.html", "fr", 4, layout4("fr"), 2022, R(9))
    old_site("layout4-2022-en-wayback.html", "en", 4, layout4("en"), 2022, R(10), wayback=True)
    # The 2022 English content again, in the 2025 site's chrome and markup.
    new_site("layout4-2022-en-newchrome.html", "en", layout4("en"), R(13))
    new_site("layout5-2025-en.html", "en", layout5("en"), R(11))
    new_site("layout5-2025-fr.html", "fr", layout5("fr"), R(12))
    # The 2025 English page again, with the site logo in an h1 of its own.
    new_site("layout5-2025-en-logoh1.html", "en", layout5("en"), R(11), logo_h1=True)

main()
