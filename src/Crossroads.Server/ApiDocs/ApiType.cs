namespace Crossroads.Server.ApiDocs;

/// <summary>The JSON Schema type of a documented parameter.</summary>
public enum ApiType
{
    /// <summary>Text.</summary>
    String,

    /// <summary>A whole number.</summary>
    Integer,

    /// <summary>Any number.</summary>
    Number,

    /// <summary>true or false (Addok's flags also take 1/0, yes/no, on/off).</summary>
    Boolean,
}
