namespace Crossroads.ModelRouting.Budgets.Spend;

/// <summary>The spend store cannot be reached or answered with an error: a request with a budget cannot be admitted (the server answers 503).</summary>
public sealed class SpendStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SpendStoreUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public SpendStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SpendStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
