using System.Globalization;
using LeadScoring.Core.Settings;

namespace LeadScoring.Core.Security;

/// <summary>
/// Which HubSpot owner (hubspot_owner_id) signs in with which role key, parsed from <c>key=ownerId;key=ownerId…</c>.
/// Held by key fingerprint, never the key; errors never echo a key.
/// </summary>
public sealed class KeyOwnerMap
{
    private readonly Dictionary<string, string> _ownerByFingerprint;

    private KeyOwnerMap(Dictionary<string, string> ownerByFingerprint) => _ownerByFingerprint = ownerByFingerprint;

    public static KeyOwnerMap Empty { get; } = new(new(StringComparer.Ordinal));

    public int Count => _ownerByFingerprint.Count;

    /// <summary>Parses the setting; every key must be one of <paramref name="keys"/>, every owner a HubSpot owner id (digits).</summary>
    public static KeyOwnerMap Parse(string? value, string settingName, ApiKeyRing keys, ICollection<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(errors);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var parts = (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"entry {i + 1}");
            var eq = parts[i].LastIndexOf('=');
            var key = eq > 0 ? parts[i][..eq].Trim() : "";
            var owner = eq > 0 ? parts[i][(eq + 1)..].Trim() : "";
            if (eq <= 0)
            {
                errors.Add(new(settingName, $"{where} must look like key=ownerId (a key of {LeadScoringSettings.ApiKeysName} and its HubSpot owner id)"));
                continue;
            }

            if (owner.Length is 0 or > 20 || !owner.All(char.IsAsciiDigit))
            {
                errors.Add(new(settingName, $"{where} needs a HubSpot owner id (hubspot_owner_id, digits only) after '=' (got '{owner}')"));
                continue;
            }

            if (keys.FingerprintOf(key) is not { } fingerprint)
            {
                errors.Add(new(settingName, $"{where} (owner {owner}) names a key that is not in {LeadScoringSettings.ApiKeysName}"));
                continue;
            }

            if (!map.TryAdd(fingerprint, owner))
            {
                errors.Add(new(settingName, $"{where} (owner {owner}) repeats a key already mapped; a key has one owner"));
            }
        }

        return new KeyOwnerMap(map);
    }

    /// <summary>The owner of the key a caller signed in with (by its fingerprint), or null.</summary>
    public string? OwnerOfFingerprint(string? fingerprint) =>
        fingerprint is not null && _ownerByFingerprint.TryGetValue(fingerprint, out var owner) ? owner : null;
}
