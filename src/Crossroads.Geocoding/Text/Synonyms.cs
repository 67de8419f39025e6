namespace Crossroads.Geocoding.Text;

/// <summary>
/// The built-in French synonym table applied by <see cref="TextPipeline"/> (Addok's <c>synonymize</c> with the
/// BAN's synonym file, addok-fr's resources/synonyms.txt). This list is our own, written for street types, titles
/// and ordinals found in French addresses; the lines use Addok's synonym file syntax (<c>a, b => wanted</c>), so
/// Addok's own file can be loaded instead with <see cref="Parse"/>.
/// </summary>
public static class Synonyms
{
    /// <summary>The built-in table in Addok's synonym file syntax.</summary>
    public const string BuiltIn = """
        # Ordinals
        1er, 1e, 1ere, 1re => premier
        2e, 2eme, 2nd, 2nde => deuxieme
        3e, 3eme => troisieme
        4e, 4eme => quatrieme
        5e, 5eme => cinquieme
        6e, 6eme => sixieme
        7e, 7eme => septieme
        8e, 8eme => huitieme
        9e, 9eme => neuvieme
        10e, 10eme => dixieme
        11e, 11eme => onzieme
        12e, 12eme => douzieme
        # Street types
        all, ale => allee
        av, ave, avn, aven => avenue
        bd, bld, blvd, boul, bvd, bl => boulevard
        carr, cf => carrefour
        ch, chem, che => chemin
        chs, chaus => chaussee
        cit => cite
        crs, cr => cours
        dom => domaine
        esp, espl => esplanade
        fg, fbg, faub => faubourg
        gr => grande
        ham => hameau
        imp => impasse
        lot, lots => lotissement
        mte => montee
        pass => passage
        pl => place
        plt => placette
        prom => promenade
        pte => porte
        qu, qua => quai
        qrt, quart => quartier
        r => rue
        res, resid => residence
        rle => ruelle
        rpt, rdpt => rond point
        rte => route
        sq, squ => square
        sen, sent => sentier
        tsse => terrasse
        tra, trav => traverse
        vla => villa
        vc => voie communale
        za => zone artisanale
        zac => zone d amenagement concerte
        zi => zone industrielle
        # Titles and usual words
        st => saint
        ste => sainte
        sts => saints
        stes => saintes
        gal, gl, gen => general
        mal, marl => marechal
        pdt => president
        dr, doct => docteur
        pr, prof => professeur
        cdt, cmdt => commandant
        cne, capt => capitaine
        lt, ltn => lieutenant
        adj => adjudant
        sgt => sergent
        mgr => monseigneur
        abb => abbe
        nd => notre dame
        ml => mademoiselle
        mme => madame
        fr, fres => freres
        gd, gde => grand
        pt, pet => petit
        ptes => petites
        vx => vieux
        ht, hte => haut
        bs => bas
        egl => eglise
        ctre => centre
        univ => universite
        hlm => habitation a loyer modere
        """;

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
