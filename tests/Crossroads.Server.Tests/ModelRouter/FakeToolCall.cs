namespace Crossroads.Server.Tests.ModelRouter;

/// <summary>A tool call the fake upstream answers with: the call's id, the function and its arguments (JSON text).</summary>
public sealed record FakeToolCall(string Id, string Name, string Arguments);
