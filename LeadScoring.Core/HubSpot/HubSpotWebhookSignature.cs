using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LeadScoring.Core.HubSpot;

/// <summary>Outcome of checking a webhook's signature; anything but Valid means "not from HubSpot".</summary>
public enum WebhookSignatureResult
{
    Valid,
    MissingHeaders,
    StaleTimestamp,
    Mismatch,
}

/// <summary>
/// Verifies that a webhook request came from HubSpot. v3: Base64 HMAC-SHA256 keyed by the app's client secret over
/// METHOD + URI + body + timestamp, timestamp within 5 minutes; v2 (older apps): hex SHA-256 of
/// secret + METHOD + URI + body; v1: hex SHA-256 of secret + body. Comparisons are constant-time.
/// </summary>
public static class HubSpotWebhookSignature
{
    /// <summary>HubSpot rejects timestamps older than this, and so do we (replay protection).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    // HubSpot decodes only these escapes in the URI before signing (developers.hubspot.com, validating requests).
    private static readonly (string Escaped, string Plain)[] V3Decodes =
    [
        ("%3A", ":"), ("%2F", "/"), ("%3F", "?"), ("%40", "@"), ("%21", "!"), ("%24", "$"), ("%27", "'"),
        ("%28", "("), ("%29", ")"), ("%2A", "*"), ("%2C", ","), ("%3B", ";"),
    ];

    /// <param name="requestUri">The full public URL HubSpot called (scheme, host, path, query), not the one behind a proxy.</param>
    /// <param name="timestamp">X-HubSpot-Request-Timestamp: epoch milliseconds.</param>
    public static WebhookSignatureResult ValidateV3(
        string method, string requestUri, ReadOnlySpan<byte> body, string? signature, string? timestamp, string clientSecret, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientSecret);
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(timestamp))
        {
            return WebhookSignatureResult.MissingHeaders;
        }

        // Compared as epoch milliseconds: DateTimeOffset.FromUnixTimeMilliseconds throws for anything past year 9999
        // (e.g. 99999999999999999), and a header anyone can send must give 401, not an exception. NumberStyles.None
        // keeps ms ≥ 0, so the subtraction cannot overflow.
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            || Math.Abs(ms - now.ToUnixTimeMilliseconds()) > (long)MaxAge.TotalMilliseconds)
        {
            return WebhookSignatureResult.StaleTimestamp;
        }

        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(clientSecret), Concat(method + DecodeV3(requestUri), body, timestamp)));
        return FixedTimeEquals(expected, signature) ? WebhookSignatureResult.Valid : WebhookSignatureResult.Mismatch;
    }

    /// <summary>v2: X-HubSpot-Signature with X-HubSpot-Signature-Version v2. No timestamp, so no replay window.</summary>
    public static WebhookSignatureResult ValidateV2(string method, string requestUri, ReadOnlySpan<byte> body, string? signature, string clientSecret)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientSecret);
        if (string.IsNullOrEmpty(signature))
        {
            return WebhookSignatureResult.MissingHeaders;
        }

        var expected = Convert.ToHexStringLower(SHA256.HashData(Concat(clientSecret + method + requestUri, body, "")));
        return FixedTimeEquals(expected, signature.ToLowerInvariant()) ? WebhookSignatureResult.Valid : WebhookSignatureResult.Mismatch;
    }

    /// <summary>v1: X-HubSpot-Signature with version v1 (legacy webhooks).</summary>
    public static WebhookSignatureResult ValidateV1(ReadOnlySpan<byte> body, string? signature, string clientSecret)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientSecret);
        if (string.IsNullOrEmpty(signature))
        {
            return WebhookSignatureResult.MissingHeaders;
        }

        var expected = Convert.ToHexStringLower(SHA256.HashData(Concat(clientSecret, body, "")));
        return FixedTimeEquals(expected, signature.ToLowerInvariant()) ? WebhookSignatureResult.Valid : WebhookSignatureResult.Mismatch;
    }

    /// <summary>The v3 signature for a request; what HubSpot (and the emulator) put in X-HubSpot-Signature-v3.</summary>
    public static string SignV3(string method, string requestUri, ReadOnlySpan<byte> body, string timestamp, string clientSecret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(clientSecret), Concat(method + DecodeV3(requestUri), body, timestamp)));

    internal static string DecodeV3(string uri)
    {
        var decoded = uri;
        foreach (var (escaped, plain) in V3Decodes)
        {
            decoded = decoded.Replace(escaped, plain, StringComparison.OrdinalIgnoreCase);
        }

        return decoded;
    }

    private static byte[] Concat(string prefix, ReadOnlySpan<byte> body, string suffix)
    {
        var head = Encoding.UTF8.GetByteCount(prefix);
        var tail = Encoding.UTF8.GetByteCount(suffix);
        var bytes = new byte[head + body.Length + tail];
        Encoding.UTF8.GetBytes(prefix, bytes);
        body.CopyTo(bytes.AsSpan(head));
        Encoding.UTF8.GetBytes(suffix, bytes.AsSpan(head + body.Length));
        return bytes;
    }

    private static bool FixedTimeEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));
}
