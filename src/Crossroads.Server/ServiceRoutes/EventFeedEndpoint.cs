using System.Globalization;
using System.Text.Json;
using Crossroads.Server.ApiDocs;
using Crossroads.ServiceRoutes;

namespace Crossroads.Server.ServiceRoutes;

/// <summary>
/// <c>GET /api/v1/events?since=&amp;wait=&amp;limit=</c>: the change feed, the same JSON messages the broker and webhooks
/// get, in revision order without gaps. Long polls: with nothing after <c>since</c> it answers when a change commits
/// (on any replica) or after <c>wait</c> seconds with none. 410 when <c>since</c> is older than the retained history.
/// </summary>
internal static class EventFeedEndpoint
{
    private const int DefaultLimit = 100;

    public static void MapEventFeed(this IEndpointRouteBuilder endpoints, ServiceRoutesRuntime runtime)
    {
        endpoints.MapGet("/events", (HttpContext context, CancellationToken cancellationToken) => GetAsync(context, runtime, cancellationToken))
            .Produces<EventFeedResponse>()
            .DisableRequestTimeout() // a long poll outlives the chassis' request timeout by design; `wait` bounds it
            .WithName("ServiceRouteEvents")
            .WithSummary("Change feed: events after 'since' (revision), at most 'limit' (1-1000, default 100); 'wait' seconds (0-MaxFeedWaitSeconds) to long-poll.")
            .Documented(new ApiDoc()
                .Query("since", ApiType.Integer, "The revision to read after (next_since of the previous answer; 0 from the start); not an integer ≥ 0, or ahead of the current revision, is 400 \"Invalid since\"; older than the retained history is 410.", example: "0", defaultValue: "0")
                .Query("wait", ApiType.Integer, $"Seconds to long-poll when nothing follows since, 0 to {runtime.Options.MaxFeedWaitSeconds} (ServiceRoutes:MaxFeedWaitSeconds): answered as soon as a change commits, else after wait with no events. Another value is 400 \"Invalid wait\".", example: "10", defaultValue: "0")
                .Limit("events")
                .Correlation()
                .Returns(200, "application/json", "The events after since in revision order without gaps (the broker's and webhooks' JSON messages), and next_since to ask from next.")
                .Problems(400, 410, 503));
    }

    private static async Task<IResult> GetAsync(HttpContext context, ServiceRoutesRuntime runtime, CancellationToken cancellationToken)
    {
        WriteContext.Correlate(context);
        if (runtime.Synchronizer is not { } synchronizer)
        {
            return TrafficManagerProblems.Loading();
        }

        var query = context.Request.Query;
        string sinceText = QueryValues.Optional(query, "since") ?? "0";
        if (!long.TryParse(sinceText, NumberStyles.None, CultureInfo.InvariantCulture, out long since))
        {
            return TrafficManagerProblems.Create(StatusCodes.Status400BadRequest, "Invalid since", $"since must be a revision (an integer ≥ 0), got '{QueryValues.Cut(sinceText)}'");
        }

        if (!QueryValues.TryInt(query, "wait", 0, 0, runtime.Options.MaxFeedWaitSeconds, "Invalid wait", out int wait, out var waitError))
        {
            return waitError;
        }

        if (!QueryValues.TryInt(query, "limit", DefaultLimit, 1, RouteValidation.MaxLimit, "Invalid limit", out int limit, out var limitError))
        {
            return limitError;
        }

        try
        {
            var page = await runtime.CallAsync((store, token) => store.EventsSinceAsync(since, limit, token), cancellationToken).ConfigureAwait(false);
            if (page.Events.Count == 0 && wait > 0)
            {
                // This replica's cache advances on every commit anywhere (notification, poll): wake on that, then read.
                if (await synchronizer.WaitForRevisionAboveAsync(Math.Max(since, page.CurrentRevision), TimeSpan.FromSeconds(wait), cancellationToken).ConfigureAwait(false))
                {
                    page = await runtime.CallAsync((store, token) => store.EventsSinceAsync(since, limit, token), cancellationToken).ConfigureAwait(false);
                }
            }

            var events = page.Events.Select(static e => JsonDocument.Parse(e.Payload).RootElement.Clone()).ToList();
            return TypedResults.Json(
                new EventFeedResponse(since, page.NextSince(since), page.CurrentRevision, page.OldestRetainedRevision, events.Count, events),
                ServiceRoutesJsonContext.Default.EventFeedResponse);
        }
        catch (EventHistoryGoneException e) when (e.Since > e.CurrentRevision)
        {
            return TrafficManagerProblems.Create(
                StatusCodes.Status400BadRequest,
                "Invalid since",
                $"since {e.Since} is ahead of the current revision {e.CurrentRevision}",
                ("current_revision", e.CurrentRevision));
        }
        catch (EventHistoryGoneException e)
        {
            return TrafficManagerProblems.Create(
                StatusCodes.Status410Gone,
                "History gone",
                $"events after revision {e.Since} are no longer retained (the oldest kept is {e.OldestRetainedRevision}); reload the routes (GET /api/v1/routes) and resume from revision {e.CurrentRevision}",
                ("oldest_retained_revision", e.OldestRetainedRevision),
                ("current_revision", e.CurrentRevision));
        }
        catch (DatabaseUnavailableException e)
        {
            return TrafficManagerProblems.Unavailable(context, runtime.RetryAfterSeconds, e.Message);
        }
    }
}
