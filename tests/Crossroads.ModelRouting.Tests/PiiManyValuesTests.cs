using System.Text;
using Crossroads.ModelRouting.Privacy;

namespace Crossroads.ModelRouting.Tests;

/// <summary>
/// Texts with many values (a log of IP addresses, a list of phone numbers): every value found, kept apart by the same
/// rule as a few. That the work stays linear in the values (a 16 MB prompt must not cost minutes of CPU before routing)
/// is measured by <c>PiiRedactionBenchmarks</c> (ns per value at 1,000 to 40,000 values), not timed here.
/// </summary>
public sealed class PiiManyValuesTests
{
    [Fact]
    public void Tens_of_thousands_of_addresses_are_all_found()
    {
        const string Unit = "255.255.255.255 ";
        var found = PiiRedactor.For([PiiKind.IpAddress]).Find(Repeat(Unit, 40_000));

        Assert.Equal(40_000, found.Count);
        Assert.Equal(Enumerable.Range(0, 40_000).Select(static i => i * Unit.Length), found.Select(static m => m.Start));
    }

    /// <summary>Many values go through the same overlap rule as a few: a snippet repeated gives the snippet's values repeated.</summary>
    [Fact]
    public void Many_values_are_kept_apart_as_a_few_are()
    {
        const string Snippet = "call 415-555-0132 or 10.1.2.3, card 4111 1111 1111 1111, mail jane@example.com, ssn 123-45-6789, iban DE89 3704 0044 0532 0130 00. ";
        var redactor = PiiRedactor.For(PiiKinds.All);
        var one = redactor.Find(Snippet);
        Assert.True(one.Count >= 5, string.Join(", ", one));

        var many = redactor.Find(Repeat(Snippet, 200));

        Assert.Equal(Enumerable.Range(0, 200).SelectMany(i => one.Select(m => m with { Start = m.Start + (i * Snippet.Length) })), many);
    }

    private static string Repeat(string unit, int times) => new StringBuilder(unit.Length * times).Insert(0, unit, times).ToString();
}
