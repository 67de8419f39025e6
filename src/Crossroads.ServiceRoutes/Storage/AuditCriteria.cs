namespace Crossroads.ServiceRoutes.Storage;

/// <summary>A validated audit query: every audit read (by route, recent, by action, range, change feed) is one of these.</summary>
internal sealed record AuditCriteria(
    RouteKey? Key,
    RouteFilter Filter,
    DateTimeOffset? Since,
    DateTimeOffset? Until,
    string? Action,
    long? AfterRevision,
    bool Ascending,
    int Limit)
{
    /// <summary>Only events up to this revision (inclusive), when set.</summary>
    public long? UpToRevision { get; init; }

    /// <summary>
    /// The WHERE/ORDER/LIMIT tail shared by both providers (both take <c>@name</c> parameters); the parameters it uses
    /// are <see cref="Parameters"/>, with times left as <see cref="DateTimeOffset"/> for the provider to convert.
    /// </summary>
    public string SqlTail()
    {
        var conditions = new List<string>();
        if (Key is not null)
        {
            conditions.Add("tenant = @tenant AND service = @service AND env = @env AND version = @version");
        }
        else
        {
            if (Filter.Tenant is not null)
            {
                conditions.Add("tenant = @tenant");
            }

            if (Filter.Service is not null)
            {
                conditions.Add("service = @service");
            }

            if (Filter.Env is not null)
            {
                conditions.Add("env = @env");
            }
        }

        if (Since is not null)
        {
            conditions.Add("occurred_at >= @since");
        }

        if (Until is not null)
        {
            conditions.Add("occurred_at < @until");
        }

        if (Action is not null)
        {
            conditions.Add("action = @action");
        }

        if (AfterRevision is not null)
        {
            conditions.Add("revision > @after");
        }

        if (UpToRevision is not null)
        {
            conditions.Add("revision <= @up_to");
        }

        string where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        return $"{where} ORDER BY revision {(Ascending ? "ASC" : "DESC")} LIMIT @limit";
    }

    public IEnumerable<(string Name, object Value)> Parameters()
    {
        string? tenant = Key?.Tenant ?? Filter.Tenant;
        string? service = Key?.Service ?? Filter.Service;
        string? env = Key?.Env ?? Filter.Env;
        if (tenant is not null)
        {
            yield return ("tenant", tenant);
        }

        if (service is not null)
        {
            yield return ("service", service);
        }

        if (env is not null)
        {
            yield return ("env", env);
        }

        if (Key is { } key)
        {
            yield return ("version", key.Version);
        }

        if (Since is { } since)
        {
            yield return ("since", since);
        }

        if (Until is { } until)
        {
            yield return ("until", until);
        }

        if (Action is not null)
        {
            yield return ("action", Action);
        }

        if (AfterRevision is { } after)
        {
            yield return ("after", after);
        }

        if (UpToRevision is { } upTo)
        {
            yield return ("up_to", upTo);
        }

        yield return ("limit", Limit);
    }
}
