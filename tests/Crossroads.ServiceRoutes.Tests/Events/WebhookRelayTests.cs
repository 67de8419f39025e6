using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Crossroads.ServiceRoutes.Events;

namespace Crossroads.ServiceRoutes.Tests.Events;

/// <summary>The relay posting to a real HTTP endpoint: signatures checked independently, failures retried in order.</summary>
public sealed class WebhookRelayTests
{
    private const string Secret = "a-shared-secret-of-the-receiver";

    [Fact]
    public async Task EveryEventIsPostedSigned_AndA5xxIsRetriedBeforeAnythingLaterIsSent()
    {
        // The first two requests fail (503, then 500); the rest succeed.
        await using var receiver = new WebhookReceiver(n => n switch { 1 => 503, 2 => 500, _ => 204 });
        using var directory = new TempDirectory();
        var storeOptions = new ServiceRouteStoreOptions { DataDirectory = directory.Path };
        await using var store = await ServiceRouteStore.OpenAsync(storeOptions);
        var options = RunningRelay.FastOptions();
        options.Webhooks.Add(new WebhookTarget { Url = receiver.Url + "?token=abc", Secret = Secret });
        using var meters = new TestMeterFactory();
        await using var running = new RunningRelay(OutboxRelay.Create(store, storeOptions, options, meterFactory: meters));
        Assert.Equal(["webhook " + receiver.Url], running.Relay.SinkNames); // no query string in logs

        await EventTestData.WriteAsync(store, 10);
        running.Relay.Wake();
        var committed = await EventTestData.CommittedAsync(store);
        await Eventually.HoldsAsync(() => running.Relay.Status.Delivered == 10, () => $"relay {running.Relay.Status}; {receiver.Requests.Count} requests");

        var requests = receiver.Requests;
        Assert.Equal(12, requests.Count);
        // The first event was refused twice and sent again each time before any later one.
        Assert.Equal([committed[0].EventId, committed[0].EventId, committed[0].EventId], requests.Take(3).Select(r => r.Request.EventId));
        Assert.Equal([503, 500, 204], requests.Take(3).Select(r => r.Status));
        Assert.Equal(committed.Select(c => c.EventId), requests.Where(r => r.Status == 204).Select(r => r.Request.EventId));
        Assert.All(requests, r =>
        {
            var headers = r.Request.Properties;
            Assert.Equal("POST", headers["method"]);
            Assert.Equal("/hooks/routes", headers["path"]);
            Assert.StartsWith("application/json", headers["content-type"], StringComparison.Ordinal);
            Assert.Equal(r.Request.EventId.ToString("D"), headers["x-crossroads-event-id"]);
            Assert.Equal(ExpectedSignature(r.Request.Body), headers["x-crossroads-signature"]);
            long sentAt = long.Parse(headers["x-crossroads-timestamp"], CultureInfo.InvariantCulture);
            Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - sentAt, -5, 120);
        });

        var status = running.Relay.Status;
        Assert.Equal(2, status.Failures);
        Assert.Equal(0, status.ConsecutiveFailures);
        Assert.Contains("500", status.LastError, StringComparison.Ordinal);
        Assert.Equal(10, meters.Sum("crossroads.service_routes.events.delivered"));
        var failures = meters.Measurements.Where(m => m.Instrument == "crossroads.service_routes.events.delivery_failures").ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.Equal("webhook " + receiver.Url, f.Tags["sink"]));
        Assert.Empty(await store.ClaimUndeliveredAsync(100));
    }

    [Fact]
    public async Task AReceiverThatNeverAnswers2xxGetsNothingMarkedDelivered()
    {
        await using var receiver = new WebhookReceiver(_ => 404);
        using var directory = new TempDirectory();
        var storeOptions = new ServiceRouteStoreOptions { DataDirectory = directory.Path };
        await using var store = await ServiceRouteStore.OpenAsync(storeOptions);
        var options = RunningRelay.FastOptions();
        options.Webhooks.Add(new WebhookTarget { Url = receiver.Url, Secret = Secret });
        await using (var running = new RunningRelay(OutboxRelay.Create(store, storeOptions, options)))
        {
            await EventTestData.WriteAsync(store, 3);
            running.Relay.Wake();
            await Eventually.HoldsAsync(() => running.Relay.Status.Failures >= 3, () => $"relay {running.Relay.Status}");
            Assert.Equal(0, running.Relay.Status.Delivered);
        }

        // Only ever the first event, again and again: nothing overtook it.
        var committed = await EventTestData.CommittedAsync(store);
        Assert.All(receiver.Requests, r => Assert.Equal(committed[0].EventId, r.Request.EventId));
        await OutboxMaintenance.For(storeOptions).ReleaseClaimsAsync(CancellationToken.None); // the stopped relay's lease
        Assert.Equal(3, (await store.ClaimUndeliveredAsync(100)).Count);
    }

    [Fact]
    public void TheSignatureIsTheHexHmacSha256OfTheBody()
    {
        byte[] body = Encoding.UTF8.GetBytes("{\"event_id\":\"x\"}");
        Assert.Equal(ExpectedSignature("{\"event_id\":\"x\"}"), WebhookSignature.Compute(Secret, body));
        // A fixed vector (RFC 4231 test case 2), so the format does not drift with the implementation.
        Assert.Equal("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", WebhookSignature.Compute("Jefe", "what do ya want for nothing?"u8));
    }

    // Computed here rather than by the library: this is what a receiver does with the shared secret.
    private static string ExpectedSignature(string body)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(Secret));
        return "sha256=" + Convert.ToHexString(hmac.ComputeHash(Encoding.UTF8.GetBytes(body))).ToLowerInvariant();
    }
}
