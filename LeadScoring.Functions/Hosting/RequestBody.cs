using Microsoft.AspNetCore.Http.Features;

namespace LeadScoring.Functions.Hosting;

/// <summary>Reads a request body up to a limit, for functions that need the raw bytes (signatures, CSV).</summary>
internal static class RequestBody
{
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
