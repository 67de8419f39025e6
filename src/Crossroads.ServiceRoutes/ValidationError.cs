namespace Crossroads.ServiceRoutes;

/// <summary>One invalid input: the field it concerns and what is wrong with it.</summary>
/// <param name="Field">The field's name as the API spells it (<c>tenant</c>, <c>url</c>, <c>limit</c>, …).</param>
/// <param name="Message">What is wrong, quoting the value received (shortened when long).</param>
public sealed record ValidationError(string Field, string Message)
{
    /// <summary><c>field: message</c>, e.g. <c>tenant: must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$, got 'team a'</c>.</summary>
    public override string ToString() => $"{Field}: {Message}";
}
