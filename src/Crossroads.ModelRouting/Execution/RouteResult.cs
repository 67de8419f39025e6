using Crossroads.ModelRouting.Decisions;
using Crossroads.ModelRouting.Providers;

namespace Crossroads.ModelRouting.Execution;

/// <summary>The end of a routed request: its status, decision record, the last upstream error, the served usage.</summary>
public sealed record RouteResult(RouteStatus Status, DecisionRecord Decision, ProviderException? LastError, TokenUsage Usage, string? FinishReason, decimal RemainingBudgetUsd);
