using System.Security.Claims;
using LeadScoring.Core.Leads;
using LeadScoring.Core.Settings;

namespace LeadScoring.Functions.Security;

/// <summary>Which HubSpot owner a caller is, for "My leads": an Entra ID token's claim, or the owner mapped to the key it signed in with.</summary>
internal static class CallerOwner
{
    /// <summary>The claim an Entra ID token carries the user's HubSpot owner id in (an optional claim or a directory extension mapped to this name).</summary>
    public const string Claim = "hubspot_owner_id";

    public static string? Of(ClaimsPrincipal user, LeadScoringSettings settings)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(settings);
        return LeadIndexEntry.OwnerIdOf(user.FindFirstValue(Claim))
            ?? settings.KeyOwners.OwnerOfFingerprint(user.FindFirstValue(SessionTicketStore.KeyFingerprintClaim));
    }
}
