using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>PII per tenant: placeholders reach the upstream, raw values reach neither the logs nor the decision record; block refuses.</summary>
public sealed class PiiTests
{
    private const string Email = "jane.doe@example.com";
    private const string Card = "4111 1111 1111 1111";
    private const string Ssn = "123-45-6789";
    private const string Secret = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";

    private static readonly string Prompt = $"I am {Email}, card {Card}, SSN {Ssn}, key {Secret}. Write to {Email} again.";

    [Fact]
    public async Task Redact_sends_typed_placeholders_upstream_and_keeps_raw_values_out_of_logs_and_decisions()
    {
        await using var router = await KeyedRouter.StartAsync(
            "--ModelRouter:Tenants:0:Id=acme", "--ModelRouter:Tenants:0:Pii=redact", "--ModelRouter:Keys:0:Tenant=acme", "--Logging:LogLevel:Default=Trace");
        var (client, server, upstream) = (router.Client, router.Server, router.Upstream);
        var logs = new LogCollector();
        server.App.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);

        using var ok = await Json.PostAsync(client, "/v1/chat/completions", Json.Chat("cheap", Prompt, maxTokens: 50));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        // The streaming path too, and a failing upstream whose error text echoes the prompt (as some do).
        using var streamed = await Json.PostAsync(client, "/v1/chat/completions", Json.Chat("cheap", Prompt, stream: true, maxTokens: 50));
        await streamed.Content.ReadAsStringAsync();
        upstream.Model("strong").FailStatus = 400;
        using var rejected = await Json.PostAsync(client, "/v1/chat/completions", Json.Chat("strong", Prompt, maxTokens: 50));
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);

        var sent = upstream.Bodies.ToList();
        Assert.Equal(3, sent.Count);
        Assert.All(sent, static body =>
        {
            Assert.Contains("I am [EMAIL_1], card [CARD_1], SSN [SSN_1], key [SECRET_1]. Write to [EMAIL_1] again.", body, StringComparison.Ordinal);
            AssertNoRawValue(body);
        });

        var decision = await Json.GetAsync(server.Client, "/v1/decisions/" + Json.Header(ok, "x-crossroads-decision-id"));
        AssertNoRawValue(decision.GetRawText());
        Assert.Equal(32, decision.GetProperty("prompt_hash").GetString()!.Length);
        AssertNoRawValue(await (await server.Client.GetAsync(new Uri("/v1/decisions/" + Json.Header(rejected, "x-crossroads-decision-id"), UriKind.Relative))).Content.ReadAsStringAsync());

        Assert.NotEmpty(logs.Entries); // Trace level: the chassis and Kestrel did log these requests
        Assert.All(logs.Entries, static entry => AssertNoRawValue(entry));
    }

    [Fact]
    public async Task Block_refuses_with_a_400_naming_the_kinds_not_the_values_and_calls_no_upstream()
    {
        await using var router = await KeyedRouter.StartAsync("--ModelRouter:Tenants:0:Id=strict", "--ModelRouter:Tenants:0:Pii=block");
        var (server, upstream) = (router.Server, router.Upstream);

        using var refused = await Json.PostAsTenantAsync(server.Client, "strict", Json.Chat("cheap", Prompt));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var text = await refused.Content.ReadAsStringAsync();
        var error = (await Json.ReadAsync(refused)).GetProperty("error");
        Assert.Equal("pii_detected", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains("api_secret, email, card_number, ssn", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        AssertNoRawValue(text);
        Assert.Equal(0, upstream.Calls("cheap"));

        // A clean prompt of the same tenant goes through; the default tenant (Pii off) is not scanned.
        using var clean = await Json.PostAsTenantAsync(server.Client, "strict", Json.Chat("cheap", "What is a router?"));
        Assert.Equal(HttpStatusCode.OK, clean.StatusCode);
        using var unscanned = await Json.PostAsync(server.Client, "/v1/chat/completions", Json.Chat("cheap", Prompt));
        Assert.Equal(HttpStatusCode.OK, unscanned.StatusCode);
    }

    [Fact]
    public async Task A_tenants_kinds_choose_what_is_redacted_and_blocked()
    {
        await using var router = await KeyedRouter.StartAsync(
            "--ModelRouter:Tenants:0:Id=netops", "--ModelRouter:Tenants:0:Pii=redact",
            "--ModelRouter:Tenants:0:PiiKinds:0=ip_address", "--ModelRouter:Tenants:0:PiiKinds:1=email",
            "--ModelRouter:Tenants:1:Id=strict", "--ModelRouter:Tenants:1:Pii=block", "--ModelRouter:Tenants:1:PiiKinds:0=ip_address",
            "--ModelRouter:Tenants:2:Id=plain", "--ModelRouter:Tenants:2:Pii=redact");
        var (server, upstream) = (router.Server, router.Upstream);
        const string prompt = $"Host 203.0.113.9 (and 2001:db8::42) belongs to {Email}; SSN {Ssn}.";

        using var redacted = await Json.PostAsTenantAsync(server.Client, "netops", Json.Chat("cheap", prompt, maxTokens: 20));
        Assert.Equal(HttpStatusCode.OK, redacted.StatusCode);
        // Only the listed kinds: the SSN is not one of them and goes as written.
        Assert.Contains($"Host [IP_1] (and [IP_2]) belongs to [EMAIL_1]; SSN {Ssn}.", upstream.Bodies.Last(), StringComparison.Ordinal);

        // The default kinds leave addresses alone.
        using var plain = await Json.PostAsTenantAsync(server.Client, "plain", Json.Chat("cheap", prompt, maxTokens: 20));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Contains("Host 203.0.113.9 (and 2001:db8::42) belongs to [EMAIL_1]; SSN [SSN_1].", upstream.Bodies.Last(), StringComparison.Ordinal);

        int calls = upstream.Calls("cheap");
        using var refused = await Json.PostAsTenantAsync(server.Client, "strict", Json.Chat("cheap", prompt));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("ip_address", (await Json.ReadAsync(refused)).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(calls, upstream.Calls("cheap"));
        using var allowed = await Json.PostAsTenantAsync(server.Client, "strict", Json.Chat("cheap", $"Mail {Email} about it."));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode); // e-mail is not in this tenant's kinds
    }

    [Fact]
    public async Task A_keys_own_rule_replaces_its_tenants()
    {
        await using var router = await KeyedRouter.StartAsync(
            "--ModelRouter:Tenants:0:Id=acme", "--ModelRouter:Tenants:0:Pii=redact", "--ModelRouter:Keys:0:Tenant=acme",
            "--ModelRouter:Keys:0:Pii=block", "--ModelRouter:Keys:0:PiiKinds:0=ssn");
        var (client, server, upstream) = (router.Client, router.Server, router.Upstream);

        // The key (ci): block, SSNs only. An e-mail passes as written; an SSN is refused before any call.
        using var mail = await Json.PostAsync(client, "/v1/chat/completions", Json.Chat("cheap", $"Write to {Email}.", maxTokens: 20));
        Assert.Equal(HttpStatusCode.OK, mail.StatusCode);
        Assert.Contains($"Write to {Email}.", upstream.Bodies.Last(), StringComparison.Ordinal);
        int calls = upstream.Calls("cheap");
        using var ssn = await Json.PostAsync(client, "/v1/chat/completions", Json.Chat("cheap", $"SSN {Ssn}", maxTokens: 20));
        Assert.Equal(HttpStatusCode.BadRequest, ssn.StatusCode);
        Assert.Equal("pii_detected", (await Json.ReadAsync(ssn)).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(calls, upstream.Calls("cheap"));

        // The same tenant without the key: the tenant's rule (redact, default kinds).
        using var anonymous = await Json.PostAsTenantAsync(server.Client, "acme", Json.Chat("cheap", $"Write to {Email}, SSN {Ssn}.", maxTokens: 20));
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Contains("Write to [EMAIL_1], SSN [SSN_1].", upstream.Bodies.Last(), StringComparison.Ordinal);
    }

    private static void AssertNoRawValue(string text)
    {
        foreach (var raw in new[] { Email, Card, "4111111111111111", Ssn, Secret, "jane.doe" })
        {
            Assert.DoesNotContain(raw, text, StringComparison.Ordinal);
        }
    }
}
