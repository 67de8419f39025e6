using System.ComponentModel.DataAnnotations;
using Crossroads.ServiceRoutes.Events;

namespace Crossroads.ServiceRoutes.Tests.Events;

public sealed class EventsOptionsTests
{
    [Fact]
    public void Defaults_AreValid_AndHaveNoTargets()
    {
        var options = new ServiceRouteEventsOptions();
        Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), null, validateAllProperties: true));
        Assert.False(options.HasTargets);
        Assert.Equal(RabbitMqEventsOptions.DefaultExchange, options.RabbitMq.Exchange);
        Assert.Equal(TimeSpan.FromSeconds(1), options.PollInterval);
        Assert.Equal(100, options.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Lease);
    }

    [Fact]
    public void OutOfRangeValues_FailValidation()
    {
        var options = new ServiceRouteEventsOptions { BatchSize = 0, PollInterval = TimeSpan.Zero };
        var errors = new List<ValidationResult>();
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true));
        Assert.Equal(["BatchSize", "PollInterval"], errors.SelectMany(e => e.MemberNames).Order(StringComparer.Ordinal));

        var webhook = new WebhookTarget { Url = "not a url", Secret = "short" };
        Assert.False(Validator.TryValidateObject(webhook, new ValidationContext(webhook), null, validateAllProperties: true));
    }

    [Fact]
    public async Task ARelayWithoutSinks_IsRefused_RatherThanMarkingEventsDeliveredToNobody()
    {
        using var directory = new TempDirectory();
        await using var store = await ServiceRouteStore.OpenAsync(new ServiceRouteStoreOptions { DataDirectory = directory.Path });
        Assert.Throws<ArgumentException>(() => new OutboxRelay(store, [], new ServiceRouteEventsOptions(), new SingleNodeLeadership()));
        Assert.Throws<ArgumentException>(() => new WebhookEventSink(new WebhookTarget { Url = "ftp://x/", Secret = "s" }));
    }
}
