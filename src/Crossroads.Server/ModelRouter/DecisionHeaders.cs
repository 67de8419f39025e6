using System.Globalization;

namespace Crossroads.Server.ModelRouter;

/// <summary>The headers every model-router answer carries (so a client can look its decision up).</summary>
internal static class DecisionHeaders
{
    public const string DecisionId = "x-crossroads-decision-id";
    public const string Model = "x-crossroads-model";
    public const string Attempts = "x-crossroads-attempts";
    public const string Policy = "x-crossroads-policy";

    public static void Apply(HttpResponse response, string decisionId, string? model, int attempts, string policy)
    {
        if (response.HasStarted)
        {
            return;
        }

        var headers = response.Headers;
        headers[DecisionId] = decisionId;
        if (model is not null)
        {
            headers[Model] = model;
        }

        headers[Attempts] = attempts.ToString(CultureInfo.InvariantCulture);
        headers[Policy] = policy;
    }
}
