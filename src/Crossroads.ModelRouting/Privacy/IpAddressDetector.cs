using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Crossroads.ModelRouting.Privacy;

/// <summary>
/// IPv4 addresses (dotted quads, each part 0–255) and IPv6 addresses (any form <see cref="IPAddress.TryParse(ReadOnlySpan{char}, out IPAddress)"/>
/// reads as IPv6, embedded IPv4 included). Not taken: a quad inside a longer dotted run (<c>1.2.3.4.5</c>, a version
/// or an OID), colon runs that are no IPv6 address (times <c>12:30:45</c>, MAC addresses), and short ones such as
/// <c>::</c>, <c>::1</c> or <c>a::b</c> (fewer than three hex digits: code, syntax or loopback far more often than
/// someone's address). A CIDR suffix stays outside the match.
/// </summary>
public sealed partial class IpAddressDetector : RegexPiiDetector
{
    /// <inheritdoc />
    public override PiiKind Kind => PiiKind.IpAddress;

    /// <inheritdoc />
    protected override Regex Pattern => Candidates();

    /// <inheritdoc />
    protected override bool Accept(ReadOnlySpan<char> candidate) =>
        candidate.Contains(':') ? IsIPv6(candidate) : IsIPv4(candidate);

    private static bool IsIPv4(ReadOnlySpan<char> quad)
    {
        foreach (var part in quad.Split('.'))
        {
            if (!int.TryParse(quad[part], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value) || value > 255)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIPv6(ReadOnlySpan<char> candidate)
    {
        int hexDigits = 0;
        foreach (char c in candidate)
        {
            hexDigits += char.IsAsciiHexDigit(c) ? 1 : 0;
        }

        return hexDigits >= 3
            && IPAddress.TryParse(candidate, out var address)
            && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    [GeneratedRegex(
        @"(?<![\w.:])(?:(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)|(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{0,4})(?![\w:]|\.\d))",
        RegexOptions.CultureInvariant)]
    private static partial Regex Candidates();
}
