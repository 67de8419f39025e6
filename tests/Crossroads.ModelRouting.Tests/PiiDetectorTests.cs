using Crossroads.ModelRouting.Privacy;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Tests;

/// <summary>Each detector on values it must find and look-alikes it must leave; checksums on known-good and altered numbers.</summary>
public sealed class PiiDetectorTests
{
    [Theory]
    [InlineData("4111111111111111", true)] // Visa test number
    [InlineData("5500005555555559", true)] // Mastercard test number
    [InlineData("378282246310005", true)] // Amex test number
    [InlineData("4111111111111112", false)] // last digit altered
    [InlineData("1234567812345678", false)]
    [InlineData("79927398713", true)] // the classic Luhn example
    [InlineData("79927398710", false)]
    public void Luhn(string digits, bool valid) => Assert.Equal(valid, CardNumberDetector.PassesLuhn(digits));

    [Theory]
    [InlineData("GB82 WEST 1234 5698 7654 32", true)]
    [InlineData("GB82WEST12345698765432", true)]
    [InlineData("DE89370400440532013000", true)]
    [InlineData("FR1420041010050500013M02606", true)]
    [InlineData("fr1420041010050500013m02606", true)]
    [InlineData("GB82WEST12345698765433", false)] // one digit altered
    [InlineData("GB28WEST12345698765432", false)] // check digits altered
    [InlineData("DE8937040044", false)] // too short
    public void Iban_checksum(string iban, bool valid) => Assert.Equal(valid, IbanDetector.HasValidChecksum(iban));

    [Theory]
    [InlineData("mail jane.doe+tag@example.co.uk please", PiiKind.Email, "jane.doe+tag@example.co.uk")]
    [InlineData("card 4111 1111 1111 1111 expires", PiiKind.CardNumber, "4111 1111 1111 1111")]
    [InlineData("card 4111-1111-1111-1111.", PiiKind.CardNumber, "4111-1111-1111-1111")]
    [InlineData("my ssn is 123-45-6789.", PiiKind.Ssn, "123-45-6789")]
    [InlineData("iban: DE89 3704 0044 0532 0130 00 thanks", PiiKind.Iban, "DE89 3704 0044 0532 0130 00")]
    [InlineData("key sk-proj-abcdefghijklmnopqrstuvwxyz012345 leaked", PiiKind.Secret, "sk-proj-abcdefghijklmnopqrstuvwxyz012345")]
    [InlineData("aws AKIAIOSFODNN7EXAMPLE here", PiiKind.Secret, "AKIAIOSFODNN7EXAMPLE")]
    [InlineData("gh ghp_0123456789abcdefghijABCDEFGHIJ012345 x", PiiKind.Secret, "ghp_0123456789abcdefghijABCDEFGHIJ012345")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIE", PiiKind.Secret, "-----BEGIN RSA PRIVATE KEY-----")]
    [InlineData("call (415) 555-0132 now", PiiKind.Phone, "(415) 555-0132")]
    [InlineData("call +33 6 12 34 56 78 now", PiiKind.Phone, "+33 6 12 34 56 78")]
    [InlineData("call +14155550132", PiiKind.Phone, "+14155550132")]
    [InlineData("tel 06.12.34.56.78", PiiKind.Phone, "06.12.34.56.78")]
    public void Finds(string text, PiiKind kind, string value)
    {
        var found = Assert.Single(PiiRedactor.Default.Find(text));
        Assert.Equal(kind, found.Kind);
        Assert.Equal(value, text.Substring(found.Start, found.Length));
    }

    /// <summary>Look-alikes of the specific kinds (phone-shaped digit groups may still read as phones: not asserted here).</summary>
    [Theory]
    [InlineData("card 4111 1111 1111 1112 is not valid")] // Luhn fails
    [InlineData("IBAN GB82WEST12345698765433")] // mod-97 fails
    [InlineData("ssn 000-12-3456 or 666-12-3456 or 900-12-3456 or 123-00-4567")] // never issued
    [InlineData("the word sk-short is not a key; AKIA123 neither")]
    [InlineData("not an email: a@b, @example.com, name@localhost")]
    public void Leaves(string text) =>
        Assert.DoesNotContain(PiiRedactor.Default.Find(text), static m => m.Kind is not PiiKind.Phone);

    [Theory]
    [InlineData("version 1.2.3, on 2026-12-01 at 10:30, order #12345678")]
    [InlineData("server 192.168.100.200 answered")]
    [InlineData("pi is 3.14159 and e is 2.71828")]
    [InlineData("amount 1 234 567 dollars")]
    public void Leaves_numbers_that_are_not_phones(string text) => Assert.Empty(PiiRedactor.Default.Find(text));

    private static readonly PiiRedactor WithIp = PiiRedactor.For([PiiKind.IpAddress]);

    [Theory]
    [InlineData("server 192.168.100.200 answered", "192.168.100.200")]
    [InlineData("from 8.8.8.8.", "8.8.8.8")]
    [InlineData("net 10.0.0.0/8 routed", "10.0.0.0")]
    [InlineData("(255.255.255.255)", "255.255.255.255")]
    [InlineData("host 2001:db8::1 down", "2001:db8::1")]
    [InlineData("host [2001:db8:0:0:0:0:0:42]:443", "2001:db8:0:0:0:0:0:42")]
    [InlineData("mapped ::ffff:192.0.2.128 seen", "::ffff:192.0.2.128")]
    [InlineData("prefix fe80::/10 is link-local", "fe80::")]
    [InlineData("FE80::1FF:FE23:4567:890A ok", "FE80::1FF:FE23:4567:890A")]
    public void Finds_ip_addresses(string text, string value)
    {
        var found = Assert.Single(WithIp.Find(text));
        Assert.Equal(PiiKind.IpAddress, found.Kind);
        Assert.Equal(value, text.Substring(found.Start, found.Length));
    }

    [Theory]
    [InlineData("version 1.2.3.4.5 and OID 1.3.6.1.4.1")] // longer dotted runs
    [InlineData("256.1.1.1 and 1.2.3.999 are out of range")]
    [InlineData("at 12:30:45 the MAC 00:1a:2b:3c:4d:5e changed")]
    [InlineData("std::vector and a::b, :: alone, loopback ::1")]
    [InlineData("version 1.2.3, pi 3.14159")]
    public void Leaves_ip_look_alikes(string text) => Assert.Empty(WithIp.Find(text));

    [Fact]
    public void Ip_addresses_are_found_only_when_asked_for_and_win_over_phones()
    {
        const string text = "server 192.168.100.200 and phone +33 6 12 34 56 78";
        Assert.DoesNotContain(PiiRedactor.Default.Find(text), static m => m.Kind == PiiKind.IpAddress);
        var found = PiiRedactor.For([.. PiiKinds.Defaults, PiiKind.IpAddress]).Find(text);
        Assert.Equal([PiiKind.IpAddress, PiiKind.Phone], found.Select(static m => m.Kind));
        Assert.Equal("[IP_1] and [EMAIL_1]", PiiRedactor.For([PiiKind.IpAddress, PiiKind.Email]).Redact([new ChatMessage("user", "10.1.2.3 and a@example.com")]).Messages[0].Content);
        Assert.Equal("10.1.2.3 and [EMAIL_1]", PiiRedactor.For([PiiKind.Email]).Redact([new ChatMessage("user", "10.1.2.3 and a@example.com")]).Messages[0].Content);
    }

    [Theory]
    [InlineData("api_secret", PiiKind.Secret)]
    [InlineData("card_number", PiiKind.CardNumber)]
    [InlineData("ip_address", PiiKind.IpAddress)]
    public void Kind_names_parse_back(string name, PiiKind kind)
    {
        Assert.True(PiiKinds.TryParse(name, out var parsed));
        Assert.Equal(kind, parsed);
        Assert.Equal(name, PiiKinds.Name(parsed));
        Assert.False(PiiKinds.TryParse(name.ToUpperInvariant(), out _));
    }

    [Fact]
    public void Redaction_numbers_placeholders_per_kind_and_reuses_them_for_the_same_value_across_messages()
    {
        var redaction = PiiRedactor.Default.Redact(
        [
            new ChatMessage("system", "Support desk."),
            new ChatMessage("user", "I am jane@example.com, card 4111111111111111; my colleague is bob@example.org."),
            new ChatMessage("user", "Again: jane@example.com. SSN 123-45-6789."),
        ]);

        Assert.Equal("Support desk.", redaction.Messages[0].Content);
        Assert.Equal("I am [EMAIL_1], card [CARD_1]; my colleague is [EMAIL_2].", redaction.Messages[1].Content);
        Assert.Equal("Again: [EMAIL_1]. SSN [SSN_1].", redaction.Messages[2].Content);
        Assert.Equal(2, redaction.Found[PiiKind.Email]);
        Assert.Equal(["email", "card_number", "ssn"], redaction.KindNames);
    }

    [Fact]
    public void Overlaps_go_to_the_more_specific_detector()
    {
        // An SSN is also phone-shaped, a card number in groups is too, an e-mail's digits are not a phone.
        var text = "ssn 123-45-6789, card 4111 1111 1111 1111, mail 0612345678@example.com";
        var kinds = PiiRedactor.Default.Find(text).Select(static m => m.Kind).ToList();
        Assert.Equal([PiiKind.Ssn, PiiKind.CardNumber, PiiKind.Email], kinds);
    }
}
