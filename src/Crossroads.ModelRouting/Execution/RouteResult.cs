using Crossroads.ModelRouting.Decisions;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Execution;

/// <summary>The end of a routed request: its status, decision record, the last upstream error, the served usage.</summary>
public sealed record RouteResult(RouteStatus Status, DecisionRecord Decision, ProviderException? LastError, TokenUsage Usage, string? FinishReason, decimal RemainingBudgetUsd)
{
    /// <summary>With <see cref="RouteStatus.BudgetExceeded"/>: the account (<c>key:NAME</c> or <c>tenant:ID</c>) whose budget refused.</summary>
    public string? RefusedBy { get; init; }
}
