namespace Crossroads.Hosting;

/// <summary>Where a module is in its start: the startup probe turns green when every enabled module is <see cref="Ready"/>.</summary>
public enum ModuleState
{
    /// <summary>Still loading its data; requests to it may answer 503.</summary>
    Loading,

    /// <summary>Serving.</summary>
    Ready,

    /// <summary>The initial load failed; the process stops with exit code 3 and one stderr line naming the module.</summary>
    Failed,
}
