using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Crossroads.Geocoding.Synthetic;

/// <summary>
/// Writes a synthetic national base in Addok's import format (one JSON document a line: municipalities, then streets
/// with nested housenumbers), for scale tests and benchmarks: never committed, regenerated from a seed. Names follow
/// French patterns (street types by their BAN frequency, "de la"/"du"/"des" particles, saints, trees, people, places),
/// municipalities have Zipf-like sizes (a few large cities with thousands of streets, most villages with a few),
/// housenumbers are odd/even runs with some bis/ter, coordinates lie in metropolitan France with streets around their
/// municipality. Identifiers follow the BAN's shapes (<c>citycode_street_00042</c>).
/// </summary>
public static class SyntheticBanWriter
{
    private static readonly (string Type, int Weight)[] StreetTypes =
    [
        ("Rue", 40), ("Chemin", 15), ("Route", 8), ("Impasse", 8), ("Allée", 6), ("Avenue", 4), ("Place", 3),
        ("Lotissement", 3), ("Boulevard", 2), ("Lieu-dit", 4), ("Hameau", 2), ("Résidence", 2), ("Square", 1),
        ("Quai", 1), ("Passage", 1),
    ];

    private static readonly string[] Particles = ["de la", "du", "des", "de l'", "de", ""];

    private static readonly string[] Names =
    [
        "Victor Hugo", "Jean Jaurès", "Pasteur", "Gambetta", "Jules Ferry", "Général de Gaulle", "Voltaire", "Moulin",
        "Église", "Mairie", "Gare", "Stade", "Fontaine", "Château", "Paix", "République", "Liberté", "Verdun",
        "Chênes", "Tilleuls", "Peupliers", "Saules", "Acacias", "Platanes", "Érables", "Marronniers", "Cerisiers",
        "Prés", "Champs", "Vignes", "Bois", "Fossés", "Écoles", "Lavoir", "Puits", "Croix", "Calvaire", "Pont",
        "Saint-Martin", "Saint-Pierre", "Saint-Jean", "Sainte-Anne", "Saint-Éloi", "Notre-Dame", "Sainte-Marie",
        "Jean Moulin", "Anatole France", "Émile Zola", "Louis Pergaud", "Marie Curie", "Aristide Briand", "Foch",
        "Clemenceau", "Lamartine", "Alsace-Lorraine", "8 Mai 1945", "11 Novembre", "Résistance", "Libération",
        "Vieux Bourg", "Haut", "Bas", "Closeaux", "Grand Champ", "Petit Bois", "Bruyères", "Genêts", "Ajoncs",
    ];

    private static readonly string[] Syllables =
    [
        "ber", "mon", "val", "cha", "ro", "ville", "court", "ac", "ieu", "sain", "ma", "bel", "fon", "tai", "ne",
        "lan", "gre", "vil", "lers", "sur", "mer", "pu", "y", "bourg", "nac", "ey", "ay", "es", "cour", "lo",
    ];

    private static readonly string[] Suffixes = ["bis", "ter", "A", "B"];

    /// <summary>Writes the base to <paramref name="output"/> (UTF-8, one document per line); returns what it wrote.</summary>
    public static SyntheticBanStatistics Write(Stream output, SyntheticBanOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Municipalities, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Streets, options.Municipalities);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Municipalities, 95_000); // citycodes: 95 departments x 1,000
        var random = new Random(options.Seed);
        var municipalities = Municipalities(random, options);
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        foreach (var municipality in municipalities)
        {
            WriteMunicipality(writer, output, municipality);
        }

        long housenumbers = 0;
        int streets = 0;
        foreach (var municipality in municipalities)
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            for (int s = 0; s < municipality.Streets; s++)
            {
                string name = StreetName(random, used);
                housenumbers += WriteStreet(writer, output, random, municipality, s, name, options);
                streets++;
            }
        }

        writer.Flush();
        return new SyntheticBanStatistics(municipalities.Count, streets, housenumbers);
    }

    private static List<Municipality> Municipalities(Random random, SyntheticBanOptions options)
    {
        // Zipf-like sizes: weight 1/rank^0.9, at least one street each, the rest shared by weight.
        int count = options.Municipalities;
        var weights = new double[count];
        double total = 0;
        for (int i = 0; i < count; i++)
        {
            weights[i] = 1 / Math.Pow(i + 1, 0.9);
            total += weights[i];
        }

        int spare = options.Streets - count;
        var result = new List<Municipality>(count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var citycodes = new HashSet<string>(StringComparer.Ordinal);
        int assigned = 0;
        for (int i = 0; i < count; i++)
        {
            int streets = 1 + (int)(spare * weights[i] / total);
            assigned += streets;
            int department;
            string citycode;
            do
            {
                department = 1 + random.Next(95);
                citycode = string.Create(CultureInfo.InvariantCulture, $"{department:00}{random.Next(1000):000}");
            }
            while (!citycodes.Add(citycode));
            string name = MunicipalityName(random, names);
            double lon = -4.5 + (random.NextDouble() * 12.5);
            double lat = 42.5 + (random.NextDouble() * 8.5);
            int population = Math.Max(20, (int)(streets * 40 * (0.5 + random.NextDouble())));
            result.Add(new Municipality($"{citycode}", name, citycode, string.Create(CultureInfo.InvariantCulture, $"{department:00}{random.Next(1000):000}"), department, lon, lat, population, streets));
        }

        // Rounding leaves a few streets over: the largest municipality takes them.
        result[0] = result[0] with { Streets = result[0].Streets + Math.Max(0, options.Streets - assigned) };
        return result;
    }

    private static string MunicipalityName(Random random, HashSet<string> used)
    {
        while (true)
        {
            var name = new StringBuilder();
            int parts = 2 + random.Next(2);
            for (int p = 0; p < parts; p++)
            {
                name.Append(Syllables[random.Next(Syllables.Length)]);
            }

            name[0] = char.ToUpperInvariant(name[0]);
            string text = random.Next(10) switch
            {
                0 => "Saint-" + name,
                1 => name + "-sur-" + Capitalized(Syllables[random.Next(Syllables.Length)] + Syllables[random.Next(Syllables.Length)]),
                2 => "Le " + name,
                _ => name.ToString(),
            };
            if (used.Add(text))
            {
                return text;
            }
        }
    }

    private static string StreetName(Random random, HashSet<string> used)
    {
        for (int attempt = 0; ; attempt++)
        {
            string type = Pick(random);
            string particle = Particles[random.Next(Particles.Length)];
            string name = Names[random.Next(Names.Length)];
            string text = particle.Length == 0 ? $"{type} {name}" : particle.EndsWith('\'') ? $"{type} {particle}{name}" : $"{type} {particle} {name}";
            if (attempt > 20)
            {
                text += " " + (attempt - 19).ToString(CultureInfo.InvariantCulture); // a large city runs out of combinations
            }

            if (used.Add(text))
            {
                return text;
            }
        }
    }

    private static string Pick(Random random)
    {
        int total = 0;
        foreach (var (_, weight) in StreetTypes)
        {
            total += weight;
        }

        int draw = random.Next(total);
        foreach (var (type, weight) in StreetTypes)
        {
            if (draw < weight)
            {
                return type;
            }

            draw -= weight;
        }

        return StreetTypes[0].Type;
    }

    private static void WriteMunicipality(Utf8JsonWriter writer, Stream output, Municipality m)
    {
        writer.WriteStartObject();
        writer.WriteString("id", m.Citycode);
        writer.WriteString("type", "municipality");
        writer.WriteString("name", m.Name);
        writer.WriteStartArray("postcode");
        writer.WriteStringValue(m.Postcode);
        writer.WriteEndArray();
        writer.WriteString("citycode", m.Citycode);
        WritePosition(writer, m.Lon, m.Lat);
        writer.WriteNumber("population", m.Population);
        writer.WriteString("city", m.Name);
        writer.WriteString("context", Context(m));
        writer.WriteNumber("importance", Math.Round(Math.Min(1, Math.Log10(m.Population) / 6.5), 5));
        EndLine(writer, output);
    }

    private static long WriteStreet(Utf8JsonWriter writer, Stream output, Random random, Municipality m, int index, string name, SyntheticBanOptions options)
    {
        string id = string.Create(CultureInfo.InvariantCulture, $"{m.Citycode}_{index:x6}");
        double lon = m.Lon + ((random.NextDouble() - 0.5) * 0.04);
        double lat = m.Lat + ((random.NextDouble() - 0.5) * 0.03);
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("name", name);
        writer.WriteStartArray("postcode");
        writer.WriteStringValue(m.Postcode);
        writer.WriteEndArray();
        writer.WriteString("citycode", m.Citycode);
        WritePosition(writer, lon, lat);
        writer.WriteString("city", m.Name);
        writer.WriteString("context", Context(m));
        writer.WriteString("type", "street");
        writer.WriteNumber("importance", Math.Round(0.3 + (random.NextDouble() * 0.2), 5));

        // Geometric count around the mean (at least one), numbered by odd/even runs from 1 or 2.
        double p = 1 / options.MeanHousenumbersPerStreet;
        int count = 1 + (int)Math.Floor(Math.Log(1 - random.NextDouble()) / Math.Log(1 - p));
        writer.WriteStartObject("housenumbers");
        int number = 1 + random.Next(2);
        var bearing = (Dx: (random.NextDouble() - 0.5) * 0.0004, Dy: (random.NextDouble() - 0.5) * 0.0004);
        for (int h = 0; h < count; h++)
        {
            string suffix = random.NextDouble() < options.SuffixShare ? Suffixes[random.Next(Suffixes.Length)] : "";
            string label = number.ToString(CultureInfo.InvariantCulture) + suffix;
            writer.WriteStartObject(label);
            writer.WriteString("id", string.Create(CultureInfo.InvariantCulture, $"{id}_{number:00000}{suffix.ToLowerInvariant()}"));
            WritePosition(writer, lon + (bearing.Dx * h), lat + (bearing.Dy * h));
            writer.WriteEndObject();
            number += 2 + (random.Next(4) == 0 ? 2 * random.Next(1, 4) : 0);
        }

        writer.WriteEndObject();
        EndLine(writer, output);
        return count;
    }

    private static void WritePosition(Utf8JsonWriter writer, double lon, double lat)
    {
        // Lambert-93 near enough for tests (x, y are shown, not computed with).
        writer.WriteNumber("x", Math.Round(700_000 + ((lon - 3) * 75_000), 2));
        writer.WriteNumber("y", Math.Round(6_600_000 + ((lat - 46.5) * 111_000), 2));
        writer.WriteNumber("lon", Math.Round(lon, 6));
        writer.WriteNumber("lat", Math.Round(lat, 6));
    }

    private static string Context(Municipality m) => string.Create(CultureInfo.InvariantCulture, $"{m.Department:00}, Département {m.Department:00}");

    private static void EndLine(Utf8JsonWriter writer, Stream output)
    {
        writer.WriteEndObject();
        writer.Flush();
        writer.Reset();
        output.WriteByte((byte)'\n');
    }

    private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private sealed record Municipality(string Id, string Name, string Citycode, string Postcode, int Department, double Lon, double Lat, int Population, int Streets);
}
