using Crossroads.Geocoding.Text;
using Xunit.Abstractions;

namespace Crossroads.Geocoding.Tests;

public sealed class PhonDebugTests(ITestOutputHelper output)
{
    [Fact]
    public void Debug()
    {
        foreach (var w in new[] { "arsene", "eugene", "francois", "ARSENE" })
        {
            output.WriteLine(w + " -> " + Phonemizer.Phonemicize(w) + " | " + string.Join(",", TextPipeline.Default.ProcessToStrings(w)));
        }
    }
}

public sealed class SynDumpTests
{
    [Fact]
    public void Dump()
    {
        var path = Environment.GetEnvironmentVariable("GEOCODER_DUMP_SYN");
        if (path is not null)
        {
            File.WriteAllLines(path, Synonyms.Parse(Synonyms.BuiltIn).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));
        }
    }
}
