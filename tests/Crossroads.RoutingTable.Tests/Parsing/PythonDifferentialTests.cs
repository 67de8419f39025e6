using System.Text;
using Crossroads.RoutingTable.Addressing;

namespace Crossroads.RoutingTable.Tests.Parsing;

/// <summary>
/// Accept/reject and canonical text of every vector against what CPython's <c>ipaddress</c> answered
/// (Vectors/ip_vectors.json, made by Vectors/generate_vectors.py). All disagreements are collected and
/// reported together, so one run shows the whole picture.
/// </summary>
public sealed class PythonDifferentialTests
{
    private const int MaxReported = 40;

    [Fact]
    public void Vector_file_covers_accepts_rejects_and_intentional_differences()
    {
        var all = PythonVectors.All;
        Assert.True(all.Count > 10_000, $"only {all.Count} vectors");
        Assert.StartsWith("3.11", PythonVectors.PythonVersion, StringComparison.Ordinal);
        foreach (string kind in new[] { "address", "network" })
        {
            Assert.Contains(all, v => v.Kind == kind && v.Ok);
            Assert.Contains(all, v => v.Kind == kind && !v.Ok);
        }

        // Python 3.11 accepts zone ids; we reject them on purpose and the generator marks them.
        Assert.Contains(all, v => v.Kind == "address" && v.Ok && v.Differs == "zone-id");
    }

    [Fact]
    public void IpAddress_TryParse_and_ToString_agree_with_Python()
    {
        var failures = new List<string>();
        foreach (PythonVector v in PythonVectors.OfKind("address"))
        {
            bool accepted = IpAddress.TryParse(v.Input, out IpAddress address);
            CheckAddress(v, accepted, address, "IpAddress.TryParse", failures);
        }

        AssertNoFailures(failures);
    }

    [Fact]
    public void Byte_level_address_parser_agrees_with_Python()
    {
        // The file loader calls the byte parser directly (no 64-char buffer, no char→ASCII step).
        var failures = new List<string>();
        foreach (PythonVector v in PythonVectors.OfKind("address").Where(v => IsAscii(v.Input)))
        {
            bool accepted = IpTextParser.TryParseAddress(Encoding.ASCII.GetBytes(v.Input), out IpAddress address);
            CheckAddress(v, accepted, address, "IpTextParser.TryParseAddress(bytes)", failures);
        }

        AssertNoFailures(failures);
    }

    [Fact]
    public void IpPrefix_TryParse_and_ToString_agree_with_Python()
    {
        var failures = new List<string>();
        foreach (PythonVector v in PythonVectors.OfKind("network"))
        {
            bool accepted = IpPrefix.TryParse(v.Input, out IpPrefix prefix, out string? error);
            if (!accepted && string.IsNullOrEmpty(error))
            {
                failures.Add($"{v}: rejected without an error message");
            }

            CheckPrefix(v, accepted, prefix, "IpPrefix.TryParse", failures);
        }

        AssertNoFailures(failures);
    }

    [Fact]
    public void Byte_level_prefix_parser_agrees_with_Python()
    {
        var failures = new List<string>();
        foreach (PythonVector v in PythonVectors.OfKind("network").Where(v => IsAscii(v.Input)))
        {
            string? error = IpTextParser.TryParsePrefix(Encoding.ASCII.GetBytes(v.Input), out IpPrefix prefix);
            CheckPrefix(v, error is null, prefix, "IpTextParser.TryParsePrefix(bytes)", failures);
        }

        AssertNoFailures(failures);
    }

    [Fact]
    public void Formatting_a_value_gives_Pythons_str()
    {
        // Independent of parsing: build the address from Python's integer and format it.
        var failures = new List<string>();
        foreach (PythonVector v in PythonVectors.OfKind("address").Where(v => v.ExpectAccepted))
        {
            string text = new IpAddress(v.Value!.Value, v.IsV6!.Value).ToString();
            if (text != v.Str)
            {
                failures.Add($"value 0x{v.Value:x} (v6={v.IsV6}): formatted '{text}', Python str() '{v.Str}'");
            }
        }

        AssertNoFailures(failures);
    }

    [Fact]
    public void Parse_and_format_round_trip_on_canonical_text()
    {
        var failures = new List<string>();
        foreach (PythonVector v in PythonVectors.OfKind("network").Where(v => v.ExpectAccepted))
        {
            // Python's str() of a network is itself valid input that must come back unchanged.
            if (!IpPrefix.TryParse(v.Str, out IpPrefix prefix, out _) || prefix.ToString() != v.Str)
            {
                failures.Add($"'{v.Str}' does not round-trip (got '{prefix}')");
            }
        }

        AssertNoFailures(failures);
    }

    [Theory]
    [InlineData("::ffff:1.2.3.4", "::ffff:102:304")]
    [InlineData("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1")]
    [InlineData("1:0:0:1:0:0:0:1", "1:0:0:1::1")]
    [InlineData("0:0:0:0:0:0:0:0", "::")]
    [InlineData("1:0:0:0:0:0:0:0", "1::")]
    [InlineData("ABCD:0:1:0:1:0:1:0", "abcd:0:1:0:1:0:1:0")]
    [InlineData("0:0:0:0:0:0:1.2.3.4", "::102:304")]
    public void IPv6_formats_like_Python_3_11(string input, string expected)
    {
        Assert.Equal(expected, IpAddress.Parse(input).ToString());
    }

    [Theory]
    [InlineData("fe80::1%eth0")]
    [InlineData("fe80::1%1")]
    [InlineData("fe80::/64%eth0")]
    public void Zone_ids_are_rejected_on_purpose(string input)
    {
        Assert.False(IpAddress.TryParse(input, out _));
        Assert.False(IpPrefix.TryParse(input, out _, out string? error));
        Assert.NotNull(error);
    }

    private static void CheckAddress(PythonVector v, bool accepted, IpAddress address, string subject, List<string> failures)
    {
        if (accepted != v.ExpectAccepted)
        {
            failures.Add($"{subject} {v.Shown}: {(accepted ? "accepted" : "rejected")}, Python {(v.Ok ? "accepts" : "rejects")}"
                + (v.Differs is null ? string.Empty : $" (we differ on purpose: {v.Differs})"));
            return;
        }

        if (accepted && (address.IsV6 != v.IsV6 || address.Value != v.Value || address.ToString() != v.Str))
        {
            failures.Add($"{subject} {v.Shown}: got {(address.IsV6 ? "v6" : "v4")} 0x{address.Value:x} '{address}', "
                + $"Python {(v.IsV6 == true ? "v6" : "v4")} 0x{v.Value:x} '{v.Str}'");
        }
    }

    private static void CheckPrefix(PythonVector v, bool accepted, IpPrefix prefix, string subject, List<string> failures)
    {
        if (accepted != v.ExpectAccepted)
        {
            failures.Add($"{subject} {v.Shown}: {(accepted ? $"accepted as {prefix}" : "rejected")}, Python {(v.Ok ? $"accepts as {v.Str}" : "rejects")}"
                + (v.Differs is null ? string.Empty : $" (we differ on purpose: {v.Differs})"));
            return;
        }

        if (accepted && (prefix.IsV6 != v.IsV6 || prefix.Network.Value != v.Value || prefix.Length != v.PrefixLength || prefix.ToString() != v.Str))
        {
            failures.Add($"{subject} {v.Shown}: got '{prefix}', Python '{v.Str}'");
        }
    }

    private static bool IsAscii(string text) => text.All(static c => c <= 0x7F);

    private static void AssertNoFailures(List<string> failures)
    {
        Assert.True(
            failures.Count == 0,
            $"{failures.Count} disagreement(s) with Python {PythonVectors.PythonVersion} (seed in Vectors/generate_vectors.py):\n"
            + string.Join("\n", failures.Take(MaxReported)));
    }
}
