using System.Security.Cryptography;

namespace LeadScoring.HubSpotEmulator.Auth;

/// <summary>Who is calling: the static private-app token or an OAuth access token, and the key its rate limits count under.</summary>
internal sealed record Caller(string Token, bool IsOAuth, string LimitKey);

internal enum TokenState
{
    Unknown,
    Valid,
    Expired,
}

/// <summary>Access tokens issued by <c>POST /oauth/v1/token</c>, with expiry on the emulator's clock.</summary>
internal sealed class OAuthTokens(EmulatorOptions options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _expiry = new(StringComparer.Ordinal);

    public string Issue()
    {
        var token = "emu-oat-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        lock (_gate)
        {
            _expiry[token] = options.TimeProvider.GetUtcNow() + options.AccessTokenLifetime;
        }

        return token;
    }

    public (TokenState State, DateTimeOffset ExpiresAt) Check(string token)
    {
        lock (_gate)
        {
            if (!_expiry.TryGetValue(token, out var expiresAt))
            {
                return (TokenState.Unknown, default);
            }

            return (expiresAt > options.TimeProvider.GetUtcNow() ? TokenState.Valid : TokenState.Expired, expiresAt);
        }
    }

    /// <summary>Every issued token expires now; the product must refresh.</summary>
    public int ExpireAll()
    {
        var now = options.TimeProvider.GetUtcNow();
        lock (_gate)
        {
            foreach (var token in _expiry.Keys.ToList())
            {
                _expiry[token] = now;
            }

            return _expiry.Count;
        }
    }
}
