using System.Text;

namespace Crossroads.Geocoding.Text;

/// <summary>
/// The French synonym table applied by <see cref="TextPipeline"/>: Addok's <c>synonymize</c> with the BAN
/// configuration's synonyms (those of the addok-fr plugin, MIT, © République Française). The built-in table is
/// rebuilt here from the same rules: numbers 1–20 and their Roman numerals become French words ("18", "xviii" →
/// "dix huit"), ordinals become words ("2e", "iie" → "deuxieme", "1er" → "premier"), and the usual abbreviations of
/// street types and titles are expanded ("av" → "avenue", "st" → "saint"). Addok's own file can be used instead
/// through <see cref="Parse"/> (same syntax: <c>a, b => wanted</c>, <c>#</c> comments).
/// </summary>
public static class Synonyms
{
    private static readonly string[] Units =
    [
        "", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze", "treize",
        "quatorze", "quinze", "seize", "dix sept", "dix huit", "dix neuf", "vingt",
    ];

    private static readonly string[] Ordinals =
    [
        "", "premier", "deuxieme", "troisieme", "quatrieme", "cinquieme", "sixieme", "septieme", "huitieme",
        "neuvieme", "dixieme", "onzieme", "douzieme", "treizieme", "quatorzieme", "quinzieme", "seizieme",
        "dix septieme", "dix huitieme", "dix neuvieme", "vingtieme",
    ];

    // Expansion => abbreviations, alphabetical by expansion.
    private static readonly (string Wanted, string Abbreviations)[] Abbreviations =
    [
        ("aerodrome", "aer"), ("afrique du nord", "afn"), ("agglomeration", "agl"), ("allee", "all, al, alle"),
        ("ancien", "anc"), ("ancien chemin", "ach"), ("angle", "ang"), ("autoroute", "aut"),
        ("avenue", "av, ave, aven"), ("bassin", "bsn"), ("berge", "ber"), ("boucle", "bcle"),
        ("boulevard", "bd, bld, bou, bould, bvd, boul"), ("bourg", "brg"), ("bretelle", "brtl"), ("camping", "cpg"),
        ("capitaine", "cpt"), ("carrefour", "caref"), ("carriere", "car"), ("centre", "ctre"), ("chalet", "chl"),
        ("champ", "chp"), ("champs", "chps"), ("chateau", "cht"), ("chaussee", "cha, chs, chse, chss"),
        ("chemin", "ch, che, chem"), ("chemin departemental", "cd"), ("chemin forestier", "cf"),
        ("chemin vicinal", "cv"), ("chevalier", "chev"), ("cite", "ci, cit"), ("cle", "clef"), ("cles", "clefs"),
        ("clos", "clo"), ("colonel", "col"), ("commandant", "cdt"), ("contour", "ctr"), ("corniche", "cor, crnc"),
        ("couloir", "clr"), ("cour", "cou, cr"), ("croix", "crx"), ("departement", "dept"), ("descente", "dsc"),
        ("deviation", "devi"), ("digue", "dig"), ("docteur", "dr, doct"), ("domaine", "dom"), ("draille", "dra"),
        ("dreve", "dre"), ("ecluse", "ecl"), ("embranchement", "embr"), ("enclos", "enc"), ("enfants", "enf, enfts"),
        ("entree", "entr"), ("espace", "espa"), ("esplanade", "espl"), ("etang", "etng"), ("facade", "fac"),
        ("faubourg", "fg, fbg, fbourg"), ("ferme", "frm"), ("fontaine", "fon, font"), ("foret", "for"),
        ("galerie", "gale"), ("general", "gen, gal, gl"), ("giratoire", "gir"), ("grand boulevard", "gbd"),
        ("grand place", "gpl"), ("grande", "gde"), ("grande rue", "gr"), ("grandes", "gdes"), ("grands", "gds"),
        ("groupe", "grp, grpe"), ("habitation", "hab, habit"), ("habitation a loyer modere", "hlm"),
        ("halage", "hlg"), ("halle", "hle"), ("hameau", "ham"), ("haut", "ht"), ("haute", "hte"), ("hautes", "htes"),
        ("hauts", "hts"), ("hopital", "hop, hosp"), ("impasse", "imp"), ("ingenieurs", "ings"), ("jardin", "jard, jar"),
        ("jetee", "jte"), ("lieutenant", "lnt, lnant, lieut, lt"), ("lotissement", "lot, lotis, lotiss"),
        ("lycee", "lyc"), ("madame", "mme"), ("maison", "mais"), ("marche", "march"), ("marechal", "mal, ml"),
        ("marina", "mrn"), ("marquis", "mqs"), ("marquise", "mqse"), ("monseigneur", "mgr"), ("mont", "mt"),
        ("montagne", "mtgne"), ("montee", "mte"), ("moulin", "mln"), ("neuve", "nve"), ("notre dame", "nd"),
        ("nouveau", "nouv"), ("nouvelle route", "nte"), ("parc residentiel de loisirs", "prl"), ("parking", "pkg"),
        ("parvis", "pvr, pai, prv"), ("passage", "pass, pge, psge"), ("passerelle", "ple"), ("pere", "pr"),
        ("peripherique", "periph"), ("petit chemin", "pch"), ("petite allee", "pta"), ("petite avenue", "pae"),
        ("petite rue", "ptr"), ("place", "pl, pla, plac"), ("placette", "ptte"), ("plaine", "pln"),
        ("plateau", "plt"), ("pointe", "pnt"), ("porte", "pte"), ("portique", "porq"), ("prefecture", "pref"),
        ("president", "pdt"), ("professeur", "prof"), ("promenade", "prom, prm"), ("quai", "qu, q"),
        ("quartier", "qrt, qua, quart"), ("raidillon", "rdl"), ("rampe", "rpe"), ("rangee", "ran"), ("ravin", "rav"),
        ("ravine", "rve"), ("refuge", "rfg"), ("regiment", "regt"), ("rencontre", "renc"), ("republique", "rep"),
        ("residence", "res"), ("rond point", "rpt, rdpoint, rop, rdp, rondpoint, rdpt"), ("rotonde", "rtd"),
        ("route", "rte, rou"), ("route departementale", "rd"), ("route nationale", "rn"), ("rue", "r"),
        ("ruelle", "rle, ruel, rul"), ("ruellette", "rult"), ("ruette", "ruet"), ("ruisseau", "ruis"),
        ("saint", "st"), ("sainte", "ste"), ("saintes", "stes"), ("saints", "sts"), ("sentier", "sen, sent"),
        ("sergent", "sgt"), ("sous", "ss"), ("square", "sq, squ"), ("stade", "std, stde"), ("stage", "stg"),
        ("terrain", "trn"), ("terrasse", "tsse, ter"), ("terre plein", "tpl"), ("tertre", "trt"),
        ("traboule", "trab"), ("tunnel", "tun, tunn"), ("vallee", "valee"), ("vallon", "vall"), ("venelle", "ven"),
        ("viaduc", "viad"), ("vieille route", "vte"), ("vieux chemin", "vche, vch"), ("village", "vge"),
        ("villa", "vla"), ("ville", "vil"), ("voie communale", "vc"), ("zone amenagement concerte", "zac"),
        ("zone artisanale", "za"), ("zone industrielle", "zi"), ("zone urbaniser en priorite", "zup"),
    ];

    /// <summary>The built-in table in Addok's synonym file syntax.</summary>
    public static string BuiltIn { get; } = BuildBuiltIn();

    private static string BuildBuiltIn()
    {
        var sb = new StringBuilder();
        sb.Append("100 => cent\n");
        for (var n = 1; n <= 20; n++)
        {
            var roman = Roman(n);
            sb.Append(roman).Append(", ").Append(n).Append(" => ").Append(Units[n]).Append('\n');
            if (n == 1)
            {
                sb.Append("1er, 1e, ier => premier\n1ere, 1re, iere, ire => premiere\n");
                continue;
            }
            sb.Append(n).Append("e, ").Append(n).Append("eme, ").Append(roman).Append("e, ").Append(roman).Append("eme");
            if (n == 9)
            {
                sb.Append(", neufieme");
            }
            sb.Append(" => ").Append(Ordinals[n]).Append('\n');
        }
        foreach (var (wanted, abbreviations) in Abbreviations)
        {
            sb.Append(abbreviations).Append(" => ").Append(wanted).Append('\n');
        }
        return sb.ToString();
    }

    private static string Roman(int n)
    {
        var sb = new StringBuilder();
        foreach (var (value, numeral) in new[] { (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i") })
        {
            while (n >= value)
            {
                sb.Append(numeral);
                n -= value;
            }
        }
        return sb.ToString();
    }

    /// <summary>Parses Addok's synonym file syntax: <c>synonym, synonym => wanted</c>, <c>#</c> comments.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var arrow = line.IndexOf("=>", StringComparison.Ordinal);
            if (arrow < 0)
            {
                continue;
            }
            var wanted = line[(arrow + 2)..].Trim();
            foreach (var synonym in line[..arrow].Split(','))
            {
                var s = synonym.Trim();
                if (s.Length > 0)
                {
                    map[s] = wanted;
                }
            }
        }
        return map;
    }
}
