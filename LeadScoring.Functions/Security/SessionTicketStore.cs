using System.Security.Claims;
using LeadScoring.Core.Security;
using LeadScoring.Core.Settings;
using LeadScoring.Core.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace LeadScoring.Functions.Security;

/// <summary>
/// The session cookie's server side: the cookie carries only a session id; the role, the fingerprint of the key that
/// made the session and its times are a row of the Sessions table. Every request reads the row (no cache: sign-out on
/// one instance ends the session on all of them at once), so a session ends when it is signed out, when its absolute
/// lifetime (LEAD_SCORE_SESSION_LIFETIME) is over, or when its key is rotated out of LEAD_SCORE_API_KEYS or moved to
/// another role.
/// </summary>
internal sealed class SessionTicketStore(SessionStore sessions, IOptions<LeadScoringSettings> settings, IOptions<AuthSettings> auth, TimeProvider clock) : ITicketStore
{
    /// <summary>The claim a key sign-in carries to <see cref="StoreAsync(AuthenticationTicket, CancellationToken)"/>: the key's fingerprint, never the key.</summary>
    public const string KeyFingerprintClaim = "leadscoring:key-fingerprint";

    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, CancellationToken.None);

    public async Task<string> StoreAsync(AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var role = SignIn.RoleOf(ticket.Principal) ?? throw new InvalidOperationException("A session needs a role.");
        var now = clock.GetUtcNow();
        var session = new SessionRecord(SessionStore.NewId(), role.ToString(), ticket.Principal.FindFirstValue(KeyFingerprintClaim), now, now + auth.Value.SessionLifetime,
            Core.Leads.LeadIndexEntry.OwnerIdOf(ticket.Principal.FindFirstValue(CallerOwner.Claim)));
        await sessions.CreateAsync(session, cancellationToken);
        return session.Id;
    }

    public Task<string> StoreAsync(AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken) => StoreAsync(ticket, cancellationToken);

    /// <summary>The lifetime is absolute: nothing to renew.</summary>
    public Task RenewAsync(string key, AuthenticationTicket ticket) => Task.CompletedTask;

    public Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RenewAsync(string key, AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, CancellationToken.None);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken)
    {
        if (await sessions.GetAsync(key, cancellationToken) is not { } session)
        {
            return null;
        }

        var known = Enum.TryParse<AccessRole>(session.Role, out var role);
        var ended = !known || clock.GetUtcNow() >= session.ExpiresAt
            || (session.KeyFingerprint is { } fingerprint && settings.Value.ApiKeys.RoleOfFingerprint(fingerprint) != role);
        if (ended)
        {
            await sessions.DeleteAsync(key, cancellationToken);
            return null;
        }

        var how = session.KeyFingerprint is null ? "Entra ID" : "a key";
        List<Claim> claims = [new(ClaimTypes.Name, $"{role} (signed in with {how})"), new(ClaimTypes.Role, role.ToString())];
        if (session.KeyFingerprint is { } fp)
        {
            claims.Add(new(KeyFingerprintClaim, fp));
        }

        if (session.OwnerId is { } owner)
        {
            claims.Add(new(CallerOwner.Claim, owner));
        }

        var properties = new AuthenticationProperties { IssuedUtc = session.CreatedAt, ExpiresUtc = session.ExpiresAt, IsPersistent = false };
        return new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SignIn.Cookie)), properties, SignIn.Cookie);
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken) => RetrieveAsync(key, cancellationToken);

    public Task RemoveAsync(string key) => RemoveAsync(key, CancellationToken.None);

    public Task RemoveAsync(string key, CancellationToken cancellationToken) => sessions.DeleteAsync(key, cancellationToken);

    public Task RemoveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken) => RemoveAsync(key, cancellationToken);
}

/// <summary>Registers <see cref="SessionTicketStore"/> as the cookie scheme's session store.</summary>
internal sealed class UseSessionTicketStore(SessionTicketStore store, IOptions<AuthSettings> auth) : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (name == SignIn.Cookie)
        {
            options.SessionStore = store;
            options.ExpireTimeSpan = auth.Value.SessionLifetime;
        }
    }
}
