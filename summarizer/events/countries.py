"""Countries without a knowledge base: a built-in table maps names, abbreviations
and demonyms to one canonical country ("U.S." / "US" / "United States" / "American" ->
"United States")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from summarizer.text import fold_name

__all__ = ["canonical_country", "country_spans"]

# One country a line (or more): its canonical name, then its names and demonyms (folded by
# fold_name: case, accents, hyphens and apostrophes). Every UN member and observer, with
# the European Union and the United Nations themselves. A bare name that is more often a
# person's or a US state's in the news is left out ("Jordan", "Chad", "Georgia"); the
# demonym stays ("Jordanian").
_TABLE = """
United States: us, usa, united states, united states of america, america, american, americans
United Kingdom: uk, united kingdom, britain, great britain, british, england
United Kingdom: scotland, scottish, wales, welsh
European Union: eu, european union
United Nations: un, united nations
Afghanistan: afghanistan, afghan, afghans
Albania: albania, albanian
Algeria: algeria, algerian
Andorra: andorra, andorran
Angola: angola, angolan
Antigua and Barbuda: antigua and barbuda, antigua
Argentina: argentina, argentine, argentinian
Armenia: armenia, armenian
Australia: australia, australian, australians
Austria: austria, austrian
Azerbaijan: azerbaijan, azerbaijani
Bahamas: bahamas, bahamian
Bahrain: bahrain, bahraini
Bangladesh: bangladesh, bangladeshi
Barbados: barbados, barbadian
Belarus: belarus, belarusian
Belgium: belgium, belgian
Belize: belize, belizean
Benin: benin, beninese
Bhutan: bhutan, bhutanese
Bolivia: bolivia, bolivian
Bosnia and Herzegovina: bosnia and herzegovina, bosnia, bosnian
Botswana: botswana
Brazil: brazil, brazilian
Brunei: brunei
Bulgaria: bulgaria, bulgarian
Burkina Faso: burkina faso, burkinabe
Burundi: burundi, burundian
Cambodia: cambodia, cambodian
Cameroon: cameroon, cameroonian
Canada: canada, canadian, canadians
Cape Verde: cape verde, cabo verde
Central African Republic: central african republic
Chile: chile, chilean
China: china, chinese, prc
Colombia: colombia, colombian
Comoros: comoros
Costa Rica: costa rica, costa rican
Croatia: croatia, croatian
Cuba: cuba, cuban
Cyprus: cyprus, cypriot
Czech Republic: czech republic, czechia, czech
Denmark: denmark, danish
Djibouti: djibouti
Dominican Republic: dominican republic
DR Congo: drc, dr congo, democratic republic of congo, democratic republic of the congo, congolese
Ecuador: ecuador, ecuadorian
Egypt: egypt, egyptian, egyptians
El Salvador: el salvador, salvadoran
Equatorial Guinea: equatorial guinea
Eritrea: eritrea, eritrean
Estonia: estonia, estonian
Eswatini: eswatini, swaziland
Ethiopia: ethiopia, ethiopian
Fiji: fiji, fijian
Finland: finland, finnish
France: france, french
Gabon: gabon, gabonese
Gambia: gambia, gambian
Germany: germany, german, germans
Ghana: ghana, ghanaian
Greece: greece, greek
Grenada: grenada
Guatemala: guatemala, guatemalan
Guinea: guinea, guinean
Guinea-Bissau: guinea-bissau, guinea bissau
Guyana: guyana, guyanese
Haiti: haiti, haitian
Honduras: honduras, honduran
Hungary: hungary, hungarian
Iceland: iceland, icelandic
India: india, indian, indians
Indonesia: indonesia, indonesian
Iran: iran, iranian, islamic republic of iran
Iraq: iraq, iraqi
Ireland: ireland, irish
Israel: israel, israeli, israelis
Italy: italy, italian
Ivory Coast: ivory coast, cote d'ivoire, cote divoire, ivorian
Jamaica: jamaica, jamaican
Japan: japan, japanese
Jordan: jordanian
Kazakhstan: kazakhstan, kazakh
Kenya: kenya, kenyan, kenyans
Kiribati: kiribati
Kosovo: kosovo, kosovar
Kuwait: kuwait, kuwaiti
Kyrgyzstan: kyrgyzstan, kyrgyz
Laos: laos, lao, laotian
Latvia: latvia, latvian
Lebanon: lebanon, lebanese
Lesotho: lesotho
Liberia: liberia, liberian
Libya: libya, libyan
Liechtenstein: liechtenstein
Lithuania: lithuania, lithuanian
Luxembourg: luxembourg
Madagascar: madagascar, malagasy
Malawi: malawi, malawian
Malaysia: malaysia, malaysian
Maldives: maldives, maldivian
Mali: mali, malian
Malta: malta, maltese
Marshall Islands: marshall islands
Mauritania: mauritania, mauritanian
Mauritius: mauritius, mauritian
Mexico: mexico, mexican
Micronesia: micronesia
Moldova: moldova, moldovan
Monaco: monaco
Mongolia: mongolia, mongolian
Montenegro: montenegro
Morocco: morocco, moroccan
Mozambique: mozambique, mozambican
Myanmar: myanmar, burma, burmese
Namibia: namibia, namibian
Nauru: nauru
Nepal: nepal, nepalese, nepali
Netherlands: netherlands, dutch, holland
New Zealand: new zealand, new zealander
Nicaragua: nicaragua, nicaraguan
Niger: niger
Nigeria: nigeria, nigerian
North Korea: north korea, dprk, north korean
North Macedonia: north macedonia, macedonia, macedonian
Norway: norway, norwegian
Oman: oman, omani
Pakistan: pakistan, pakistani
Palau: palau
Palestine: palestine, palestinian, palestinians
Panama: panama, panamanian
Papua New Guinea: papua new guinea
Paraguay: paraguay, paraguayan
Peru: peru, peruvian
Philippines: philippines, filipino, philippine
Poland: poland, polish
Portugal: portugal, portuguese
Qatar: qatar, qatari
Republic of the Congo: republic of the congo, congo-brazzaville
Romania: romania, romanian
Russia: russia, russian, russians, russian federation
Rwanda: rwanda, rwandan
Saint Lucia: saint lucia
Samoa: samoa, samoan
San Marino: san marino
Saudi Arabia: saudi arabia, saudi, saudis
Senegal: senegal, senegalese
Serbia: serbia, serbian
Seychelles: seychelles
Sierra Leone: sierra leone, sierra leonean
Singapore: singapore, singaporean
Slovakia: slovakia, slovak
Slovenia: slovenia, slovenian
Solomon Islands: solomon islands
Somalia: somalia, somali, somalis
South Africa: south africa, south african
South Korea: south korea, republic of korea, south korean
South Sudan: south sudan, south sudanese
Spain: spain, spanish
Sri Lanka: sri lanka, sri lankan
Sudan: sudan, sudanese
Suriname: suriname
Sweden: sweden, swedish
Switzerland: switzerland, swiss
Syria: syria, syrian, syrians
Taiwan: taiwan, taiwanese
Tajikistan: tajikistan, tajik
Tanzania: tanzania, tanzanian
Thailand: thailand, thai
Timor-Leste: timor-leste, east timor
Togo: togo, togolese
Tonga: tonga
Trinidad and Tobago: trinidad and tobago, trinidad
Tunisia: tunisia, tunisian
Turkey: turkey, turkish, turkiye
Turkmenistan: turkmenistan
Tuvalu: tuvalu
Uganda: uganda, ugandan
Ukraine: ukraine, ukrainian, ukrainians
United Arab Emirates: uae, united arab emirates, emirati
Uruguay: uruguay, uruguayan
Uzbekistan: uzbekistan, uzbek
Vanuatu: vanuatu
Vatican: vatican, holy see
Venezuela: venezuela, venezuelan
Vietnam: vietnam, vietnamese
Yemen: yemen, yemeni
Zambia: zambia, zambian
Zimbabwe: zimbabwe, zimbabwean
"""
# Places whose names hold a country's and which are not that country ("New Mexico" is no
# Mexico, "South America" no United States): matched first, they yield no country.
_NOT_COUNTRIES = frozenset(
    fold_name(x)
    for x in (
        "South America",
        "Latin America",
        "Central America",
        "North America",
        "Americas",
        "Native American",
        "Native Americans",
        "New Mexico",
        "New England",
        "British Columbia",
        "British Virgin Islands",
        "Indian Ocean",
        "West Indies",
    )
)
_COUNTRY_OF: dict[str, str | None] = {
    fold_name(alias): name
    for name, aliases in (line.split(":", 1) for line in _TABLE.strip().splitlines())
    for alias in aliases.split(",")
} | dict.fromkeys(_NOT_COUNTRIES)
_MAX_COUNTRY_TOKENS = max(len(a.split()) for a in _COUNTRY_OF)


def country_spans(tokens: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end, country) for every country alias in ``tokens``, longest first."""
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        for n in range(min(_MAX_COUNTRY_TOKENS, len(tokens) - i), 0, -1):
            key = " ".join(tokens[i : i + n])
            if key in _COUNTRY_OF:
                country = _COUNTRY_OF[key]
                if country is not None:
                    found.append((i, i + n, country))
                i += n
                break
        else:
            i += 1
    return found


def canonical_country(text: str | None) -> str | None:
    """The canonical country named in ``text`` (first one found), or None.

    A lower-case "us" is the pronoun, not the country: only "US"/"U.S." count.
    """
    if not text:
        return None
    tokens = fold_name(text).split()
    upper_us = re.search(r"\bU\.?S\.?(?:A\.?)?\b", text) is not None
    for start, end, country in country_spans(tokens):
        if end - start == 1 and tokens[start] == "us" and not upper_us:
            continue  # the pronoun
        return country
    return None
