"""Demo content for `manage.py load_demo`: plain data, no Django imports.

The compact is shaped like Södertälje's (seed 003): seven principles with commitments
for the municipality, the sector and both parties, and four development areas with an
aim and plan items. The wording is our own paraphrase, in Swedish and English. Every
name, person, number and address below is fictional; e-mail addresses and websites use
example.org.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - documented, local demo only
# A fixed, documented base32 TOTP secret for the demo official (local use only).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # noqa: S105


def at(year, month, day, hour=12, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


PUBLIC_PARTY = {
    "name": "Exempelstads kommun",
    "kind": "municipality",
    "website": "https://example.org/exempelstad/",
}

MUNICIPALITY = "municipality"
SECTOR = "sector"
BOTH = "both"

# ---------------------------------------------------------------------------
# The version in force (2024)
# ---------------------------------------------------------------------------

AGREEMENT_CURRENT = {
    "version_label": "2024",
    "adopted_on": date(2024, 6, 10),
    "title_sv": "Överenskommelse om samverkan mellan idéburen sektor och Exempelstads kommun",
    "title_en": "Compact on cooperation between the civil-society sector and Exempelstad Municipality",
    "preamble_sv": (
        "Ett gott samarbete mellan den idéburna sektorn och kommunen är en förutsättning "
        "för demokrati och social hållbarhet i Exempelstad. Överenskommelsen ska ge oss "
        "en samverkan som är långsiktig, präglas av dialog och lyhördhet och står öppen "
        "för alla idéburna organisationer som vill vara med.\n\n"
        "Med idéburen sektor menar vi organisationer i den ideella och kooperativa "
        "sektorn, till exempel föreningar, stiftelser, trossamfund, folkrörelser och "
        "folkbildningens organisationer. Texten har arbetats fram tillsammans, i "
        "informationsmöten, workshoppar och en arbetsgrupp med företrädare för båda "
        "parter.\n\n"
        "Överenskommelsen ger oss gemensamma förhållningssätt och klargör vilka roller "
        "parterna har när vi samarbetar. Den är ett övergripande ramverk som följs upp "
        "varje år och revideras vart fjärde år. En organisation kan ansluta sig när "
        "överenskommelsen har antagits, vid de årliga dialogforumen eller genom en "
        "skriftlig ansökan."
    ),
    "preamble_en": (
        "Good cooperation between the civil-society sector and the municipality is a "
        "precondition for democracy and social sustainability in Exempelstad. This "
        "compact is meant to give us cooperation that lasts, that is built on dialogue "
        "and attentiveness, and that is open to every civil-society organisation that "
        "wants to take part.\n\n"
        "By the civil-society sector we mean organisations in the non-profit and "
        "cooperative sector, such as associations, foundations, faith communities, "
        "popular movements and adult education organisations. The text was drafted "
        "together, through information meetings, workshops and a working group with "
        "representatives of both parties.\n\n"
        "The compact gives us shared ways of working and makes clear what role each "
        "party plays when we cooperate. It is an overall framework that is followed up "
        "every year and revised every four years. An organisation may join when the "
        "compact has been adopted, at the yearly dialogue forums, or by a written "
        "application."
    ),
}

# Each principle: title, description and its commitments as (party, sv, en), in order.
PRINCIPLES_CURRENT = [
    {
        "title_sv": "Långsiktighet",
        "title_en": "Long-term perspective",
        "description_sv": (
            "Samverkan håller över tid när parterna delar visioner som sträcker sig "
            "längre än till nästa år. Ett brett politiskt stöd behövs för att "
            "överenskommelsen ska bestå."
        ),
        "description_en": (
            "Cooperation lasts when the parties share visions that reach further than "
            "next year. Broad political support is needed for the compact to endure."
        ),
        "commitments": [
            (
                MUNICIPALITY,
                "Följa upp överenskommelsen varje år.",
                "To follow up the compact every year.",
            ),
            (
                MUNICIPALITY,
                "Arbeta för att samverkan mellan sektorn och kommunen blir enklare.",
                "To work to make cooperation between the sector and the municipality easier.",
            ),
            (
                SECTOR,
                "Dela med sig av sina kunskaper och erfarenheter.",
                "To share its knowledge and experience.",
            ),
            (
                BOTH,
                "Fördjupa samverkan mellan den idéburna sektorn och kommunen.",
                "To deepen cooperation between the civil-society sector and the municipality.",
            ),
        ],
    },
    {
        "title_sv": "Öppenhet och insyn",
        "title_en": "Openness and transparency",
        "description_sv": (
            "Samverkan vilar på öppenhet och på att parterna respekterar varandras "
            "verksamheter. Informationen ska vara lätt att hitta, så att parterna når "
            "varandra och fler organisationer kan ansluta sig."
        ),
        "description_en": (
            "Cooperation rests on openness and on each party respecting the other's "
            "work. Information should be easy to find, so that the parties can reach "
            "each other and more organisations can join."
        ),
        "commitments": [
            (
                MUNICIPALITY,
                "Göra det enklare att komma i kontakt med kommunen, till exempel genom "
                "utsedda kontaktpersoner och ett eget forum för överenskommelsen.",
                "To make the municipality easier to reach, for instance through named "
                "contact persons and a forum of the compact's own.",
            ),
            (
                MUNICIPALITY,
                "Redovisa öppet de beslut som berör den idéburna sektorn.",
                "To be open about decisions that affect the civil-society sector.",
            ),
            (
                SECTOR,
                "Själv ta initiativ till dialog med kommunen när oklarheter eller "
                "klagomål uppstår i samarbetet.",
                "To seek dialogue with the municipality on its own initiative when "
                "questions or complaints arise in the cooperation.",
            ),
            (
                BOTH,
                "Göra överenskommelsen känd.",
                "To make the compact known.",
            ),
            (
                BOTH,
                "Dela information som är relevant och aktuell.",
                "To share information that is relevant and up to date.",
            ),
        ],
    },
    {
        "title_sv": "Mångfald",
        "title_en": "Diversity",
        "description_sv": (
            "Samhällets utmaningar möts bäst av många aktörer med olika slags "
            "verksamhet. Mångfalden breddar perspektiven och håller olika behov, grupper "
            "och synsätt i balans. Kommunen ska därför göra det möjligt för nya aktörer "
            "och verksamheter att växa fram."
        ),
        "description_en": (
            "Society's challenges are best met by many actors doing different kinds of "
            "work. Diversity widens the view and keeps different needs, groups and "
            "outlooks in balance. The municipality should therefore make room for new "
            "actors and activities to emerge."
        ),
        "commitments": [
            (
                MUNICIPALITY,
                "Pröva nya former för långsiktig samverkan som gynnar mångfald, eftersom "
                "den idéburna sektorn speglar bredden i kommunens befolkning.",
                "To try out new forms of long-term cooperation that favour diversity, since "
                "the civil-society sector mirrors the breadth of the municipality's people.",
            ),
            (
                MUNICIPALITY,
                "Ordna mötesplatser som utgår från de olika förutsättningar och behov "
                "som finns inom sektorn.",
                "To arrange meeting places shaped by the different conditions and needs "
                "found within the sector.",
            ),
            (
                MUNICIPALITY,
                "Tillsammans med sektorn följa upp hur förbudet mot diskriminering efterlevs, "
                "oavsett kön, etnisk eller religiös tillhörighet, sexuell läggning, "
                "könsuttryck, ålder eller funktionsvariation.",
                "To follow up, together with the sector, how the ban on discrimination is "
                "respected, whatever a person's sex, ethnic or religious affiliation, sexual "
                "orientation, gender expression, age or disability.",
            ),
            (
                SECTOR,
                "Möta alla som är intresserade med öppenhet och välkomnande, vilken "
                "bakgrund de än har.",
                "To meet everyone who is interested with openness and a welcome, whatever "
                "their background.",
            ),
            (
                SECTOR,
                "Reflektera över och besvara kommunens frågor om diskrimineringsgrunderna.",
                "To reflect on and answer the municipality's questions about the grounds "
                "of discrimination.",
            ),
            (
                SECTOR,
                "Söka samordning och samarbete med nya och etablerade aktörer för att "
                "främja möten mellan människor.",
                "To seek coordination and cooperation with new and established actors, so "
                "that people meet one another.",
            ),
        ],
    },
    {
        "title_sv": "Självständighet och oberoende",
        "title_en": "Independence",
        "description_sv": (
            "Som röstbärare och opinionsbildare är den idéburna sektorn en bärande del "
            "av demokratin. Sektorn ska kunna granska kommunen kritiskt och agera fritt, "
            "utan att riskera bidrag eller annat stöd. Kommunen ska värna och underlätta "
            "sektorns självständighet."
        ),
        "description_en": (
            "As a voice for its members and a shaper of opinion, the civil-society "
            "sector is a load-bearing part of democracy. It must be able to scrutinise "
            "the municipality critically and act freely without putting grants or other "
            "support at risk. The municipality should protect and support the sector's "
            "independence."
        ),
        "commitments": [
            (
                MUNICIPALITY,
                "Ge sektorn goda förutsättningar att bedriva sin verksamhet.",
                "To give the sector good conditions for carrying out its activities.",
            ),
            (
                MUNICIPALITY,
                "Avstå från påtryckningar på sektorn utöver vad gällande avtal anger.",
                "To refrain from putting pressure on the sector beyond what agreements "
                "in force provide.",
            ),
            (
                SECTOR,
                "Vara öppen och tydlig med vem som står bakom verksamheten och vad den "
                "syftar till.",
                "To be open and clear about who stands behind its activities and what they aim at.",
            ),
        ],
    },
    {
        "title_sv": "Dialog",
        "title_en": "Dialogue",
        "description_sv": (
            "Ett hållbart samhälle kräver att invånarna kan påverka, delta och bli hörda "
            "när lokalsamhället utvecklas. Återkommande och aktiv dialog är grunden för "
            "utveckling och livslångt lärande. Samverkan sker regelbundet och öppet, och "
            "båda parter är inkluderande, respektfulla och lyhörda så att olika "
            "perspektiv och kunskaper kommer till nytta."
        ),
        "description_en": (
            "A sustainable society needs residents who can influence, take part and be "
            "heard as their local community develops. Regular, active dialogue is the "
            "basis for development and lifelong learning. Cooperation happens openly and "
            "at regular intervals, and both parties are inclusive, respectful and "
            "attentive so that different perspectives and skills are put to use."
        ),
        "commitments": [
            (
                MUNICIPALITY,
                "Erbjuda en inspirerande mötesplats där offentlig sektor, näringsliv, "
                "idéburen sektor och akademi kan mötas.",
                "To offer an inspiring meeting place where the public sector, business, "
                "civil society and academia can meet.",
            ),
            (
                MUNICIPALITY,
                "Fördjupa och öka dialogen och kommunikationen med den idéburna sektorn.",
                "To deepen and increase dialogue and communication with the civil-society sector.",
            ),
            (
                MUNICIPALITY,
                "Bjuda in till dialogmöten löpande, när behov finns och minst två gånger om året.",
                "To invite to dialogue meetings on a rolling basis, when needed and at least "
                "twice a year.",
            ),
            (
                SECTOR,
                "Lämna relevanta och aktuella uppgifter om den egna organisationen.",
                "To provide relevant, up-to-date information about its own organisation.",
            ),
            (
                SECTOR,
                "Delta i dialogmötena.",
                "To take part in the dialogue meetings.",
            ),
            (
                SECTOR,
                "Föra fram de behov och möjligheter som invånarna upplever där sektorn är verksam.",
                "To speak up for the needs and opportunities that residents experience "
                "where the sector is active.",
            ),
            (
                BOTH,
                "Kommunicera öppet, rakt och transparent med varandra.",
                "To communicate with each other openly, directly and transparently.",
            ),
        ],
    },
    {
        "title_sv": "Kvalitet",
        "title_en": "Quality",
        "description_sv": (
            "Kommunens verksamhet omfattas ofta av lagkrav på kvalitet. Den idéburna "
            "sektorn står nära sina medlemmar och kan i högre grad själv avgöra och "
            "säkra kvaliteten i sin till största delen ideella verksamhet. I varje "
            "samverkan kommer parterna överens om vilka kvalitetskrav som gäller, och "
            "verksamhet som får ekonomiskt stöd från kommunen följer de regler som "
            "politiken har beslutat. Uppföljning och utvärdering görs med respekt för "
            "parternas skilda perspektiv och förutsättningar."
        ),
        "description_en": (
            "The municipality's services are often bound by legal quality requirements. "
            "The civil-society sector is close to its members and is freer to decide and "
            "assure the quality of its largely voluntary work itself. In each form of "
            "cooperation the parties agree which quality requirements apply, and "
            "activities funded by the municipality follow the rules that have been "
            "politically decided. Follow-up and evaluation respect the parties' "
            "different perspectives and circumstances."
        ),
        "commitments": [
            (
                MUNICIPALITY,
                "Göra riktlinjerna för stöd till den idéburna sektorn tydliga.",
                "To make the guidelines for support to the civil-society sector clear.",
            ),
            (
                MUNICIPALITY,
                "Klargöra vilka krav på uppföljning som gäller i samverkan och avtal.",
                "To make clear which follow-up requirements apply in cooperation and agreements.",
            ),
            (
                MUNICIPALITY,
                "Ge sektorn förutsättningar att delta i upphandlingar och att ingå "
                "idéburet offentligt partnerskap (IOP).",
                "To enable the sector to take part in public procurement and to enter into "
                "public–civic partnerships (IOP).",
            ),
            (
                SECTOR,
                "Bidra med kunskap om kvaliteten i den egna verksamheten och om vad den "
                "betyder för samhället.",
                "To contribute knowledge about the quality of its own work and what it "
                "means for society.",
            ),
            (
                BOTH,
                "Utveckla hållbara former för samarbete mellan kommunens nämnder, de "
                "kommunala bolagen och den idéburna sektorn.",
                "To develop lasting forms of cooperation between the municipality's "
                "committees, its companies and the civil-society sector.",
            ),
        ],
    },
    {
        "title_sv": "Samhällsutveckling",
        "title_en": "Community development",
        "description_sv": (
            "Samhället utvecklas när enskilda människor engagerar sig. Den idéburna "
            "sektorn främjar ett aktivt medborgarskap som stärker och fördjupar "
            "demokratin. Sektorn har möjlighet att påverka och en aktiv roll i samtalet "
            "om hur lokalsamhället ska utvecklas, och kommunen erkänner den rollen."
        ),
        "description_en": (
            "Communities grow when individual people get involved. The civil-society "
            "sector fosters active citizenship that strengthens and deepens democracy. "
            "The sector can exert influence and plays an active part in the "
            "conversation about how the local community should develop, and the "
            "municipality recognises that role."
        ),
        "commitments": [
            (
                MUNICIPALITY,
                "Göra det lättare för invånare att engagera sig i den idéburna sektorn, "
                "till exempel genom en webbplats eller databas för frivilliguppdrag.",
                "To make it easier for residents to get involved in the civil-society "
                "sector, for example through a website or database of volunteering "
                "opportunities.",
            ),
            (
                MUNICIPALITY,
                "Göra det lätt för invånare och organisationer att hitta rätt "
                "kontaktperson i kommunen.",
                "To make it easy for residents and organisations to find the right contact "
                "person in the municipality.",
            ),
            (
                MUNICIPALITY,
                "Ta tillvara den kunskap som finns i den idéburna sektorn.",
                "To make use of the expertise found in the civil-society sector.",
            ),
            (
                SECTOR,
                "Hålla kommunen informerad om den egna verksamheten.",
                "To keep the municipality informed about its activities.",
            ),
            (
                SECTOR,
                "Utbilda i ideellt engagemang med relevans för den egna verksamheten.",
                "To provide training in voluntary engagement relevant to its own activities.",
            ),
        ],
    },
]

# Each development area: title, aim ("Vi vill …" / "We want …") and plan items (sv, en).
DEVELOPMENT_AREAS_CURRENT = [
    {
        "title_sv": "Samverkan",
        "title_en": "Cooperation",
        "aim_sv": (
            "Vi vill bygga en organiserad och långsiktig samverkan som ger mervärde åt "
            "både kommunen och den idéburna sektorn, och skapa hållbara relationer och "
            "en stark gemenskap i ett sammanhållet Exempelstad."
        ),
        "aim_en": (
            "We want to build organised, long-term cooperation that adds value for both "
            "the municipality and the civil-society sector, and to create lasting "
            "relationships and a strong sense of community in a cohesive Exempelstad."
        ),
        "items": [
            (
                "Ordna möten över verksamhetsgränserna där parterna utbyter erfarenheter "
                "och information.",
                "Hold meetings across organisational boundaries where the parties exchange "
                "experience and information.",
            ),
            (
                "Använda de nätverk som redan finns och utveckla nya, smarta plattformar.",
                "Use the networks that already exist and develop new, smart platforms.",
            ),
            (
                "Båda parter tar ett övergripande ansvar för samordningen, till exempel "
                "genom att varje organisation utser en samverkansansvarig.",
                "Both parties take overall responsibility for coordination, for instance "
                "by each organisation naming a contact person for the compact.",
            ),
            (
                "Vara transparenta genom tydlig information och öppenhet.",
                "Be transparent through clear information and openness.",
            ),
            (
                "Öka samverkan inom och mellan kommunens verksamheter och den idéburna sektorn.",
                "Increase cooperation within and between the municipality's services and "
                "the civil-society sector.",
            ),
            (
                "Bygga upp en gemensam plattform för den idéburna sektorn.",
                "Build up a shared platform for the civil-society sector.",
            ),
        ],
    },
    {
        "title_sv": "Information och delaktighet",
        "title_en": "Information and participation",
        "aim_sv": (
            "Vi vill göra överenskommelsen känd och öka den idéburna sektorns "
            "delaktighet i den genom att information blir lättare att få tag på."
        ),
        "aim_en": (
            "We want to make the compact known and to increase the civil-society "
            "sector's participation in it by making information easier to come by."
        ),
        "items": [
            (
                "Bidra till att information sprids över verksamhetsgränser, inom sektorn "
                "och mellan sektorn, invånarna och kommunen.",
                "Help information travel across boundaries: within the sector and between "
                "the sector, residents and the municipality.",
            ),
            (
                "Kommunen gör informationen tillgänglig för sektorn, till exempel på flera språk.",
                "The municipality makes information accessible to the sector, for example "
                "in several languages.",
            ),
            (
                "Nå organisationerna med information på ett sätt som passar deras förutsättningar.",
                "Reach organisations with information in ways that suit their circumstances.",
            ),
            (
                "Säkerställa en tydlig kontaktpunkt i kommunens förvaltning som fångar upp "
                "behov och tendenser i kommunen och i sektorn.",
                "Make sure there is a clear point of contact in the municipal administration "
                "that picks up needs and trends in the municipality and in the sector.",
            ),
            (
                "Sprida aktuell och relevant information, till exempel genom ett digitalt "
                "nyhetsbrev.",
                "Share current, relevant information, for example through a digital newsletter.",
            ),
            (
                "Berätta på ett lättillgängligt sätt om vad som görs och vad vi skulle "
                "kunna göra tillsammans.",
                "Tell, in an accessible way, what is being done and what we could do together.",
            ),
            (
                "Förtydliga hur kommunen och sektorn arbetar med dialog.",
                "Clarify how the municipality and the sector work with dialogue.",
            ),
            (
                "Skapa fler möten mellan sektorn och kommunens olika förvaltningar och bolag.",
                "Create more meetings between the sector and the municipality's various "
                "departments and companies.",
            ),
        ],
    },
    {
        "title_sv": "Idéburen sektors roll och ideellt engagemang",
        "title_en": "The sector's role and voluntary engagement",
        "aim_sv": (
            "Vi vill uppmuntra, ta tillvara och behålla ett långsiktigt ideellt "
            "engagemang i den idéburna sektorn."
        ),
        "aim_en": (
            "We want to encourage, make use of and retain long-term voluntary engagement "
            "in the civil-society sector."
        ),
        "items": [
            (
                "Stärka sektorns roll och inflytande i samhällsutvecklingen och dess bidrag "
                "till social hållbarhet.",
                "Strengthen the sector's role and influence in community development and "
                "its contribution to social sustainability.",
            ),
            (
                "Väcka barns och ungas intresse för idéburen verksamhet, till exempel genom "
                "att skolan uppmuntrar elevråd och skolidrottsföreningar.",
                "Spark children's and young people's interest in civil-society activities, "
                "for example by schools encouraging pupils' councils and school sports clubs.",
            ),
        ],
    },
    {
        "title_sv": "Långsiktighet",
        "title_en": "Long-term perspective",
        "aim_sv": (
            "Vi vill hålla överenskommelsen levande och utveckla den i takt med "
            "parternas förutsättningar och omvärlden."
        ),
        "aim_en": (
            "We want to keep the compact alive and develop it as the parties' "
            "circumstances and the world around them change."
        ),
        "items": [
            (
                "Följa upp överenskommelsen regelbundet när förutsättningarna i "
                "organisationerna eller omvärlden förändras.",
                "Follow up the compact regularly as circumstances change in the "
                "organisations or the world around them.",
            ),
            (
                "Ge sektorn förutsättningar för långsiktig planering och ett hållbart "
                "ideellt engagemang som gagnar invånarna och en demokratisk "
                "samhällsutveckling.",
                "Give the sector the means for long-term planning and sustainable voluntary "
                "engagement that benefits residents and democratic development.",
            ),
            (
                "Se varandra som delar av ett större sammanhang och fokusera på hur vi "
                "tillsammans kan verka för kommunens bästa.",
                "See each other as parts of a larger whole and focus on how we can work "
                "together for the good of the municipality.",
            ),
            (
                "Hitta en balans mellan stöd till etablerade verksamheter och utrymme för "
                "nya idéer, även när det innebär att medel fördelas om.",
                "Balance support for established activities with room for new ideas, even "
                "when that means reallocating funds.",
            ),
            (
                "Samordna och uppdatera en rullande gemensam plan som håller "
                "överenskommelsen levande.",
                "Coordinate and update a rolling joint plan that keeps the compact alive.",
            ),
            (
                "Sträva efter långsiktighet och öppenhet kring sektorns ekonomiska "
                "förutsättningar.",
                "Aim for predictability and openness about the sector's financial circumstances.",
            ),
        ],
    },
]

# ---------------------------------------------------------------------------
# The superseded first version (2019): kept to show that history stays.
# ---------------------------------------------------------------------------

AGREEMENT_PREVIOUS = {
    "version_label": "2019",
    "adopted_on": date(2019, 6, 1),
    "title_sv": "Överenskommelse om samverkan mellan idéburen sektor och Exempelstads kommun",
    "title_en": "Compact on cooperation between the civil-society sector and Exempelstad Municipality",
    "preamble_sv": (
        "Den första överenskommelsen mellan den idéburna sektorn och Exempelstads "
        "kommun. Den lade grunden för dialogforumen och ersattes 2024 av en reviderad "
        "version med sju principer."
    ),
    "preamble_en": (
        "The first compact between the civil-society sector and Exempelstad "
        "Municipality. It laid the ground for the dialogue forums and was replaced in "
        "2024 by a revised version with seven principles."
    ),
}

PRINCIPLES_PREVIOUS = [
    {
        "title_sv": "Dialog",
        "title_en": "Dialogue",
        "description_sv": (
            "Parterna möts regelbundet och lyssnar på varandra, så att invånarnas "
            "erfarenheter når dem som fattar beslut."
        ),
        "description_en": (
            "The parties meet regularly and listen to each other, so that residents' "
            "experience reaches those who make decisions."
        ),
        "commitments": [
            (
                MUNICIPALITY,
                "Bjuda in till ett dialogforum minst en gång om året.",
                "To invite to a dialogue forum at least once a year.",
            ),
            (
                SECTOR,
                "Delta i dialogforumen och föra fram medlemmarnas erfarenheter.",
                "To take part in the dialogue forums and bring its members' experience.",
            ),
        ],
    },
    {
        "title_sv": "Öppenhet",
        "title_en": "Openness",
        "description_sv": (
            "Parterna delar information med varandra och är tydliga med vad de kan "
            "och inte kan lova."
        ),
        "description_en": (
            "The parties share information with each other and are clear about what "
            "they can and cannot promise."
        ),
        "commitments": [
            (
                MUNICIPALITY,
                "Publicera överenskommelsen och en lista över anslutna organisationer.",
                "To publish the compact and a list of the organisations that have joined.",
            ),
            (
                BOTH,
                "Hålla varandra informerade om förändringar som påverkar samarbetet.",
                "To keep each other informed of changes that affect the cooperation.",
            ),
        ],
    },
]

# ---------------------------------------------------------------------------
# Areas of activity, organisations, users
# ---------------------------------------------------------------------------

ACTIVITY_AREAS = [
    # (slug, sv, en)
    ("idrott", "Idrott och motion", "Sport and exercise"),
    ("kultur", "Kultur", "Culture"),
    ("socialt-arbete", "Socialt arbete", "Social welfare"),
    ("barn-och-unga", "Barn och unga", "Children and young people"),
    ("folkbildning", "Folkbildning", "Adult education"),
    ("miljo-och-natur", "Miljö och natur", "Environment and nature"),
    ("integration", "Integration och inkludering", "Integration and inclusion"),
    ("tro-och-livsaskadning", "Tro och livsåskådning", "Faith and beliefs"),
]

# Organisation numbers are nine fictional digits completed with a Luhn check digit.
ORGANISATIONS = [
    {
        "key": "choir",
        "name": "Kvarterskören i Exempelstad",
        "nine_digits": "802400101",
        "kind": "association",
        "postal_town": "Exempelstad",
        "website": "https://example.org/kvarterskoren/",
        "description": (
            "En öppen kör för alla åldrar som sjunger i stadsdelarnas samlingslokaler "
            "och ordnar allsång på torget varje sommar."
        ),
        "public_email": "kvarterskoren@example.org",
        "publish_email": True,
        "contact_name": "Alva Demosson",
        "contact_email": "alva.demosson@example.org",
        "contact_phone": "070-174 06 01",
        "areas": ["kultur", "barn-och-unga"],
        "verification": "verified",
    },
    {
        "key": "sports",
        "name": "IK Stenbacken",
        "nine_digits": "802400202",
        "kind": "association",
        "postal_town": "Exempelstad",
        "website": "https://example.org/ik-stenbacken/",
        "description": (
            "Idrottsklubb med fotboll, innebandy och friidrott för barn, unga och "
            "vuxna. Drivs helt av ideella ledare."
        ),
        "public_email": "ik-stenbacken@example.org",
        "publish_email": True,
        "contact_name": "Ture Testberg",
        "contact_email": "ture.testberg@example.org",
        "contact_phone": "070-174 06 02",
        "areas": ["idrott", "barn-och-unga"],
        "verification": "verified",
    },
    {
        "key": "foundation",
        "name": "Stiftelsen Ljusglimten",
        "nine_digits": "802400303",
        "kind": "foundation",
        "postal_town": "Norrvik",
        "website": "https://example.org/ljusglimten/",
        "description": (
            "Stiftelse som driver en mötesplats och läxhjälp för familjer i utsatta "
            "situationer, med stöd av frivilliga."
        ),
        "public_email": "ljusglimten@example.org",
        "publish_email": False,
        "contact_name": "Maja Provström",
        "contact_email": "maja.provstrom@example.org",
        "contact_phone": "070-174 06 03",
        "areas": ["socialt-arbete", "barn-och-unga"],
        "verification": "verified",
    },
    {
        "key": "faith",
        "name": "Ekbackens församling",
        "nine_digits": "802400404",
        "kind": "faith_community",
        "postal_town": "Exempelby",
        "website": "https://example.org/ekbacken/",
        "description": (
            "Lokal församling med gudstjänster, samtalsgrupper, språkcafé och sommarläger för unga."
        ),
        "public_email": "ekbacken@example.org",
        "publish_email": True,
        "contact_name": "Nils Exempelsson",
        "contact_email": "nils.exempelsson@example.org",
        "contact_phone": "",
        "areas": ["tro-och-livsaskadning", "integration"],
        "verification": "verified",
    },
    {
        "key": "coop",
        "name": "Gröna Odlingen ekonomisk förening",
        "nine_digits": "769600505",
        "kind": "cooperative",
        "postal_town": "Exempelby",
        "website": "https://example.org/grona-odlingen/",
        "description": (
            "Kooperativ stadsodling där medlemmarna delar på jord, redskap och skörd, "
            "med öppna odlingskvällar för nybörjare."
        ),
        "public_email": "",
        "publish_email": False,
        "contact_name": "Sara Prov",
        "contact_email": "sara.prov@example.org",
        "contact_phone": "070-174 06 05",
        "areas": ["miljo-och-natur", "integration"],
        "verification": "verified",
    },
    {
        "key": "study",
        "name": "Studieförbundet Kunskapsbron",
        "nine_digits": "802400606",
        "kind": "adult_education",
        "postal_town": "Exempelstad",
        "website": "https://example.org/kunskapsbron/",
        "description": (
            "Studieförbund med cirklar i språk, hantverk och föreningskunskap, och "
            "utbildning för förtroendevalda i föreningar."
        ),
        "public_email": "kunskapsbron@example.org",
        "publish_email": True,
        "contact_name": "Eli Demolin",
        "contact_email": "eli.demolin@example.org",
        "contact_phone": "070-174 06 06",
        "areas": ["folkbildning", "kultur"],
        "verification": "verified",
    },
    {
        "key": "movement",
        "name": "Levande Landsbygd Exempelstad",
        "nine_digits": "802400707",
        "kind": "popular_movement",
        "postal_town": "Västerby",
        "website": "https://example.org/levande-landsbygd/",
        "description": (
            "Folkrörelse för byarna kring Exempelstad: bygdegårdar, byavandringar och "
            "en gemensam röst i frågor om landsbygden."
        ),
        "public_email": "landsbygd@example.org",
        "publish_email": True,
        "contact_name": "Vera Fiktiv",
        "contact_email": "vera.fiktiv@example.org",
        "contact_phone": "",
        "areas": ["miljo-och-natur", "kultur"],
        "verification": "verified",
    },
    {
        "key": "newcomer",
        "name": "Föreningen Nya Vänner",
        "nine_digits": "802400808",
        "kind": "association",
        "postal_town": "Exempelstad",
        "website": "https://example.org/nya-vanner/",
        "description": (
            "Nystartad förening som ordnar fika, promenader och läxhjälp där nya och "
            "gamla invånare lär känna varandra."
        ),
        "public_email": "",
        "publish_email": False,
        "contact_name": "Olle Påhittad",
        "contact_email": "olle.pahittad@example.org",
        "contact_phone": "070-174 06 08",
        "areas": ["integration", "socialt-arbete"],
        # Registered, not yet reviewed by an official.
        "verification": "unverified",
    },
]

USERS = [
    {
        "key": "official",
        "email": "official@example.org",
        "full_name": "Tilda Tjänstesson",
        "is_staff": True,
        "is_superuser": False,
        "official": True,
    },
    {
        "key": "admin",
        "email": "admin@example.org",
        "full_name": "Adam Adminsson",
        "is_staff": True,
        "is_superuser": True,
        "official": False,
    },
    {
        "key": "rep",
        "email": "rep@example.org",
        "full_name": "Alva Demosson",
        "is_staff": False,
        "is_superuser": False,
        "official": False,
    },
    {
        "key": "rep2",
        "email": "rep2@example.org",
        "full_name": "Ture Testberg",
        "is_staff": False,
        "is_superuser": False,
        "official": False,
    },
]

# The apps whose models the Officials group may fully manage in the admin.
OFFICIAL_PERMISSION_APPS = ["compact", "principles", "organisations"]

REPRESENTATIVES = [
    # rep@ may sign for the choir, which has NOT signed the version in force yet,
    # so the demo user can try signing.
    {"user": "rep", "organisation": "choir", "is_contact_person": True, "may_sign": True},
    {"user": "rep2", "organisation": "sports", "is_contact_person": True, "may_sign": True},
]

# ---------------------------------------------------------------------------
# Signatures. "agreement" is a version label; "signed_by" a user key or None.
# Signatures are never deleted: the co-operative withdrew in 2025 and signed again.
# ---------------------------------------------------------------------------

SIGNATURES = [
    # On the superseded 2019 version.
    {
        "organisation": "choir",
        "agreement": "2019",
        "signer_name": "Alva Demosson",
        "signer_role": "Ordförande",
        "signed_at": at(2019, 9, 14, 11, 5),
        "signed_by": None,
    },
    {
        "organisation": "sports",
        "agreement": "2019",
        "signer_name": "Ture Testberg",
        "signer_role": "Ordförande",
        "signed_at": at(2019, 9, 14, 11, 20),
        "signed_by": None,
    },
    {
        "organisation": "faith",
        "agreement": "2019",
        "signer_name": "Nils Exempelsson",
        "signer_role": "Församlingsföreståndare",
        "signed_at": at(2020, 3, 4, 18, 40),
        "signed_by": None,
    },
    # On the version in force (2024), online.
    {
        "organisation": "sports",
        "agreement": "2024",
        "signer_name": "Ture Testberg",
        "signer_role": "Ordförande",
        "signed_at": at(2024, 6, 18, 20, 12),
        "signed_by": "rep2",
    },
    {
        "organisation": "faith",
        "agreement": "2024",
        "signer_name": "Nils Exempelsson",
        "signer_role": "Församlingsföreståndare",
        "signed_at": at(2024, 9, 3, 9, 30),
        "signed_by": None,
    },
    {
        "organisation": "coop",
        "agreement": "2024",
        "signer_name": "Sara Prov",
        "signer_role": "Styrelseledamot",
        "signed_at": at(2024, 11, 5, 19, 45),
        "signed_by": None,
        "withdrawn_at": at(2025, 4, 2, 10, 0),
        "withdrawal_reason": (
            "Den nya styrelsen ville gå igenom överenskommelsen på ett medlemsmöte "
            "innan föreningen står kvar som undertecknare."
        ),
    },
    {
        "organisation": "coop",
        "agreement": "2024",
        "signer_name": "Sara Prov",
        "signer_role": "Ordförande",
        "signed_at": at(2025, 9, 17, 21, 3),
        "signed_by": None,
    },
    {
        "organisation": "study",
        "agreement": "2024",
        "signer_name": "Eli Demolin",
        "signer_role": "Verksamhetschef",
        "signed_at": at(2026, 3, 12, 14, 25),
        "signed_by": None,
    },
    {
        "organisation": "movement",
        "agreement": "2024",
        "signer_name": "Vera Fiktiv",
        "signer_role": "Sekreterare",
        "signed_at": at(2026, 5, 20, 8, 55),
        "signed_by": None,
    },
]

# Joining by written application (skriftlig ansökan), approved by the demo official.
WRITTEN_APPLICATION = {
    "organisation": "foundation",
    "agreement": "2024",
    "message": (
        "Ansökan inkom per post och registrerades av handläggaren. Stiftelsens "
        "styrelse beslutade den 14 januari 2025 att ansluta sig."
    ),
    "submitted_at": at(2025, 1, 20, 10, 15),
    "decided_at": at(2025, 2, 3, 13, 30),
    "signer_name": "Maja Provström",
    "signer_role": "Styrelseordförande",
    "authority": "board_decision",
    "board_decision_on": date(2025, 1, 14),
    "filename": "ansokan-stiftelsen-ljusglimten.pdf",
}
