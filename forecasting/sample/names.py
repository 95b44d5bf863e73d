"""Finnish names, nicknames and streets of the sample's customer register (plain data).

The lists are what :mod:`forecasting.sample.register` draws people from: common Finnish first
names and surnames (with their diacritics), the everyday short forms of some first names, and
streets of Helsinki and Tampere, each with a postal code of its neighbourhood.
"""

from __future__ import annotations

FIRST_NAMES: tuple[str, ...] = (
    "Aino", "Aleksanteri", "Anna", "Anneli", "Antti", "Arto", "Eero", "Eeva", "Elina", "Elisabet",
    "Emilia", "Erkki", "Esa", "Hannu", "Heikki", "Helena", "Helmi", "Henrik", "Ilkka", "Irmeli",
    "Jaana", "Jari", "Jarmo", "Johanna", "Johannes", "Jorma", "Jouni", "Jukka", "Jyrki", "Kaarina",
    "Kalle", "Kari", "Katariina", "Kristiina", "Lauri", "Leo", "Maija", "Marja", "Markku",
    "Marjatta", "Matias", "Mikael", "Minna", "Niina", "Niklas", "Olli", "Onni", "Outi", "Paavo",
    "Päivi", "Pekka", "Pertti", "Petri", "Pirjo", "Raili", "Riitta", "Risto", "Ritva", "Sakari",
    "Sari", "Seppo", "Sirpa", "Susanna", "Tapio", "Tarja", "Teemu", "Terhi", "Timo", "Tuomas",
    "Tuula", "Tuulikki", "Ulla", "Veikko", "Venla", "Ville", "Väinö", "Åsa", "Yrjö", "Eemeli",
    "Jenni",
)
"""Eighty first names (Finnish and Finland-Swedish)."""

SURNAMES: tuple[str, ...] = (
    "Aaltonen", "Ahonen", "Anttila", "Airaksinen", "Eskola", "Heikkinen", "Heinonen", "Helminen",
    "Hiltunen", "Hirvonen", "Honkanen", "Huttunen", "Hyvönen", "Hämäläinen", "Häkkinen",
    "Ikonen", "Jokinen", "Juntunen", "Jääskeläinen", "Järvinen", "Kallio", "Karjalainen",
    "Kettunen", "Kinnunen", "Kiiskinen", "Koivisto", "Kokkonen", "Korhonen", "Koskinen",
    "Kurki", "Kärkkäinen", "Laaksonen", "Laine", "Lehtinen", "Lehtonen", "Leinonen", "Lindqvist",
    "Lindström", "Lundén", "Mattila", "Miettinen", "Mustonen", "Mäkelä", "Mäkinen", "Mäki",
    "Nieminen", "Niskanen", "Nurmi", "Ojala", "Peltonen", "Pesonen", "Pitkänen", "Pölönen",
    "Rantanen", "Räsänen", "Saarinen", "Salminen", "Salo", "Savolainen", "Seppälä", "Sjöberg",
    "Sörensen", "Toivonen", "Tuominen", "Turunen", "Vainio", "Valtonen", "Vesterinen",
    "Virtanen", "Väisänen", "Åström", "Öhman", "Östman", "Ylönen", "Nyström", "Hyttinen",
    "Ruotsalainen", "Ränkänen", "Söderholm", "Kivelä",
)
"""Eighty surnames, a third of them with an ä, ö or å."""

NICKNAMES: dict[str, str] = {
    "Katariina": "Katri",
    "Johannes": "Juha",
    "Elisabet": "Liisa",
    "Aleksanteri": "Santeri",
    "Matias": "Matti",
    "Kristiina": "Tiina",
    "Susanna": "Sanna",
    "Johanna": "Hanna",
    "Mikael": "Mikko",
    "Helena": "Leena",
    "Kaarina": "Kaisa",
    "Tuomas": "Tuomo",
    "Sakari": "Sakke",
    "Emilia": "Milla",
    "Henrik": "Henkka",
}
"""The everyday short form of some first names: one person may be either."""

STREETS: dict[str, tuple[tuple[str, str], ...]] = {
    "Helsinki": (
        ("Mannerheimintie", "00100"), ("Aleksanterinkatu", "00100"), ("Fredrikinkatu", "00120"),
        ("Bulevardi", "00120"), ("Iso Roobertinkatu", "00120"), ("Albertinkatu", "00150"),
        ("Tehtaankatu", "00140"), ("Laivurinkatu", "00150"), ("Runeberginkatu", "00260"),
        ("Töölönkatu", "00250"), ("Mechelininkatu", "00260"), ("Topeliuksenkatu", "00250"),
        ("Hämeentie", "00530"), ("Fleminginkatu", "00510"), ("Sturenkatu", "00510"),
        ("Helsinginkatu", "00500"), ("Kaarlenkatu", "00530"), ("Agricolankatu", "00530"),
        ("Mäkelänkatu", "00550"), ("Vallilantie", "00510"), ("Kustaankatu", "00500"),
        ("Kulosaarentie", "00570"), ("Itäväylä", "00900"), ("Kontulantie", "00940"),
        ("Myllypurontie", "00920"), ("Turunlinnantie", "00930"), ("Kauppakartanonkatu", "00930"),
        ("Vuosaarentie", "00980"), ("Kallvikintie", "00980"), ("Pohjoisbulevardi", "00990"),
        ("Lauttasaarentie", "00200"), ("Otavantie", "00200"), ("Haagan Rastitie", "00320"),
        ("Pitäjänmäentie", "00380"), ("Kannelmäentie", "00420"), ("Malminkaari", "00700"),
        ("Kirkonkyläntie", "00700"), ("Tapulikaupungintie", "00750"), ("Siltavoudintie", "00640"),
        ("Oulunkyläntie", "00600"),
    ),
    "Tampere": (
        ("Hämeenkatu", "33100"), ("Kauppakatu", "33210"), ("Satakunnankatu", "33210"),
        ("Pirkankatu", "33230"), ("Hallituskatu", "33200"), ("Kuninkaankatu", "33210"),
        ("Aleksis Kiven katu", "33210"), ("Rautatienkatu", "33100"), ("Tammelan puistokatu", "33100"),
        ("Itsenäisyydenkatu", "33500"), ("Sammonkatu", "33540"), ("Kalevan puistotie", "33500"),
        ("Teiskontie", "33500"), ("Hervannan valtaväylä", "33720"), ("Insinöörinkatu", "33720"),
        ("Opiskelijankatu", "33720"), ("Lindforsinkatu", "33720"), ("Pispalan valtatie", "33250"),
        ("Tahmelankatu", "33240"), ("Ylöjärventie", "33310"), ("Lielahdenkatu", "33400"),
        ("Härmälänkatu", "33900"), ("Nekalantie", "33800"), ("Lempääläntie", "33820"),
        ("Hatanpään valtatie", "33100"), ("Viinikankatu", "33800"), ("Messukylänkatu", "33700"),
        ("Kaukajärventie", "33560"), ("Annalantie", "33710"), ("Vuohenojankatu", "33710"),
    ),
}
"""Streets of each town, with the postal code of their neighbourhood."""

TOWNS: dict[str, str] = {"HKI": "Helsinki", "TRE": "Tampere"}
"""The town of each sample store."""

DOMAINS: tuple[str, ...] = (
    "gmail.com", "gmail.com", "gmail.com", "hotmail.com", "outlook.com", "yahoo.com",
    "luukku.com", "kolumbus.fi", "elisanet.fi", "suomi24.fi", "live.fi", "icloud.com",
)
"""Email domains, the common ones more often."""

MOBILE_PREFIXES: tuple[str, ...] = ("040", "041", "044", "045", "050")
"""Prefixes of Finnish mobile numbers."""
