using System.Buffers.Text;
using System.Text;

namespace Crossroads.ServiceRoutes.Storage;

/// <summary>
/// The opaque listing cursor: the last key of a page, <c>t/s/e/v</c> in base64url. Opaque so clients do not build
/// cursors, keyed on the key (not an offset) so concurrent inserts never shift pages.
/// </summary>
internal static class ListCursor
{
    public static string Encode(RouteKey key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key.ToString()));

    public static RouteKey Decode(string cursor)
    {
        string[]? parts = null;
        try
        {
            parts = cursor.Length <= 4 * 64 * 2 ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('/') : null;
        }
        catch (FormatException)
        {
        }

        if (parts is not [var tenant, var service, var env, var version]
            || RouteValidation.Validate(new RouteKey(tenant, service, env, version)).Count > 0)
        {
            throw new RouteValidationException([new ValidationError("cursor", "is not a cursor of this listing (pass next_cursor of the previous page unchanged)")]);
        }

        return new RouteKey(tenant, service, env, version);
    }
}
