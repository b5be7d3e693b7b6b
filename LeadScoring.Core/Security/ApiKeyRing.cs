using System.Security.Cryptography;
using System.Text;

namespace LeadScoring.Core.Security;

/// <summary>
/// The configured caller keys and the role each grants. Only SHA-256 digests are kept, and a presented key is
/// compared with every entry in constant time, so neither timing nor a memory dump reveals a key.
/// </summary>
public sealed class ApiKeyRing
{
    /// <summary>Shortest key accepted: 16 characters is ~95 bits even from a limited alphabet.</summary>
    public const int MinKeyLength = 16;

    private readonly (byte[] Digest, AccessRole Role)[] _entries;

    private ApiKeyRing((byte[] Digest, AccessRole Role)[] entries) => _entries = entries;

    public static ApiKeyRing Empty { get; } = new([]);

    public int Count => _entries.Length;

    /// <summary>
    /// Parses <c>Role=key;Role=key…</c> (roles Admin, Manager, Rep, Marketing; a role may have several keys,
    /// which is how keys are rotated). Errors never echo a key.
    /// </summary>
    public static ApiKeyRing Parse(string? value, string settingName, out IReadOnlyList<ValidationError> errors)
    {
        var problems = new List<ValidationError>();
        var entries = new List<(byte[] Digest, AccessRole Role)>();
        var parts = (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var eq = parts[i].IndexOf('=', StringComparison.Ordinal);
            var roleText = eq > 0 ? parts[i][..eq].Trim() : "";
            var key = eq > 0 ? parts[i][(eq + 1)..].Trim() : "";
            var where = $"entry {i + 1}";
            if (eq <= 0)
            {
                problems.Add(new(settingName, $"{where} must look like Role=key (roles: Admin, Manager, Rep, Marketing)"));
                continue;
            }

            if (!Enum.TryParse<AccessRole>(roleText, ignoreCase: true, out var role) || !Enum.IsDefined(role) || roleText.Any(char.IsDigit))
            {
                problems.Add(new(settingName, $"{where} has unknown role '{roleText}' (roles: Admin, Manager, Rep, Marketing)"));
                continue;
            }

            if (key.Length < MinKeyLength || key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                problems.Add(new(settingName, $"{where} ({role}) needs a key of at least {MinKeyLength} characters without spaces"));
                continue;
            }

            var digest = Digest(key);
            if (entries.Any(e => CryptographicOperations.FixedTimeEquals(e.Digest, digest)))
            {
                problems.Add(new(settingName, $"{where} ({role}) repeats a key already given; each key must be unique"));
                continue;
            }

            entries.Add((digest, role));
        }

        errors = problems;
        return new ApiKeyRing([.. entries]);
    }

    /// <summary>The role of a presented key, or null. Always checks every entry (constant time in the key).</summary>
    public AccessRole? RoleOf(string? presentedKey)
    {
        if (string.IsNullOrEmpty(presentedKey) || presentedKey.Length > 512)
        {
            return null;
        }

        var digest = Digest(presentedKey);
        AccessRole? found = null;
        foreach (var (known, role) in _entries)
        {
            if (CryptographicOperations.FixedTimeEquals(known, digest))
            {
                found = role;
            }
        }

        return found;
    }

    /// <summary>
    /// What a session records about the key that made it: a 128-bit prefix of SHA-256 over a label and the key's digest,
    /// so the session table never holds the key (nor the digest kept here). Null for a key that is not in the ring.
    /// </summary>
    public string? FingerprintOf(string? presentedKey) => RoleOf(presentedKey) is null ? null : Fingerprint(Digest(presentedKey!));

    /// <summary>The role of the key a session fingerprint was made from, or null when that key is no longer configured (rotated or removed).</summary>
    public AccessRole? RoleOfFingerprint(string? fingerprint)
    {
        if (string.IsNullOrEmpty(fingerprint))
        {
            return null;
        }

        var presented = Encoding.ASCII.GetBytes(fingerprint);
        AccessRole? found = null;
        foreach (var (known, role) in _entries)
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Fingerprint(known)), presented))
            {
                found = role;
            }
        }

        return found;
    }

    private static string Fingerprint(byte[] digest) =>
        Convert.ToHexStringLower(SHA256.HashData([.. "leadscoring-session-key-v1:"u8, .. digest])[..16]);

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
