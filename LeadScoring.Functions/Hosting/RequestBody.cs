using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LeadScoring.Functions.Hosting;

/// <summary>Reads a request body up to a limit, for functions that need the raw bytes (signatures, CSV).</summary>
internal static class RequestBody
{
    /// <summary>The 413 every route answers: what the body is, and the limit in KB/MB and in bytes.</summary>
    public static ProblemHttpResult TooLarge(long limit, string what)
    {
        var size = limit >= 1024 * 1024 && limit % (1024 * 1024) == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{limit / (1024 * 1024)} MB")
            : string.Create(CultureInfo.InvariantCulture, $"{limit / 1024} KB");
        return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large",
            detail: string.Create(CultureInfo.InvariantCulture, $"{what} must be at most {size} ({limit:N0} bytes)."));
    }

    /// <summary>The body, or null when it is over <paramref name="limit"/> (declared or actually sent, chunked included).</summary>
    public static async Task<byte[]?> ReadAsync(HttpContext http, long limit, CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength > limit)
        {
            return null;
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        try
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }
}
