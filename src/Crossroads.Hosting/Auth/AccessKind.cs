namespace Crossroads.Hosting.Auth;

/// <summary>Whether an endpoint reads or changes state; decides the key requirement and the rate budget.</summary>
internal enum AccessKind
{
    Read,
    Write,
}
