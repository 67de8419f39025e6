namespace Crossroads.ModelRouting.Limits;

/// <summary>A key's two windows now (null: that limit is not set), read without taking anything.</summary>
public readonly record struct KeyRateState(RateWindow? Requests, RateWindow? Tokens);
