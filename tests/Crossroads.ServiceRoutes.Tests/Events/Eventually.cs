namespace Crossroads.ServiceRoutes.Tests.Events;

/// <summary>Waits for something asynchronous (a relay, a broker) to reach a state, failing with a description when it does not.</summary>
internal static class Eventually
{
    public static async Task HoldsAsync(Func<bool> condition, Func<string> describe, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"not reached within {timeoutSeconds} s: {describe()}");
            }

            await Task.Delay(50);
        }
    }
}
