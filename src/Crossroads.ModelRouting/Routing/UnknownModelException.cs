namespace Crossroads.ModelRouting.Routing;

/// <summary>A request named a model that is neither a model id, a model alias nor a route alias.</summary>
public sealed class UnknownModelException : Exception
{
    /// <summary>Creates the exception for <paramref name="model"/>.</summary>
    public UnknownModelException(string model)
        : base($"The model '{model}' does not exist")
    {
        Model = model;
    }

    /// <summary>Creates the exception (for analyzers).</summary>
    public UnknownModelException()
        : this(string.Empty)
    {
    }

    /// <summary>Creates the exception (for analyzers).</summary>
    public UnknownModelException(string message, Exception innerException)
        : base(message, innerException)
    {
        Model = string.Empty;
    }

    /// <summary>The name that matched nothing.</summary>
    public string Model { get; }
}
