using System.Security.Cryptography;
using LeadScoring.Core.Storage;
using LeadScoring.Tests.Infrastructure;

namespace LeadScoring.Tests.Storage;

/// <summary>A storage account on the shared Azurite with its own queues and tables (a fresh random prefix).</summary>
internal static class TestStorage
{
    public static string NewPrefix() => "t" + RandomNumberGenerator.GetHexString(8, lowercase: true);

    public static async Task<LeadScoringStorage> CreateAsync()
    {
        var storage = new LeadScoringStorage(await Azurite.ConnectionStringAsync(), new StorageNames(NewPrefix()));
        await storage.EnsureCreatedAsync();
        return storage;
    }
}
