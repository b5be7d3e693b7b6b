using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LeadScoring.Core.HubSpot;
using LeadScoring.HubSpotEmulator;
using Microsoft.Extensions.DependencyInjection;

namespace LeadScoring.Tests.Contract;

/// <summary>
/// The batch rescore pages through contacts sorted by modification time while its own write-backs modify them. With
/// offset paging every contact moved to the end shifts the rest forward and a page boundary skips one; key paging
/// must return every contact exactly once.
/// </summary>
[TestFixture]
public sealed class SearchWhileModifiedContractTests
{
    [Test]
    public async Task SearchModifiedSince_ContactsModifiedWhilePaging_ReturnsEveryContactOnce()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Contacts = 350, RateLimit = 10_000, SearchRateLimit = 50 });
        await using var services = emulator.ClientServices(o => o.RequestsPer10Seconds = 10_000);
        var client = services.GetRequiredService<HubSpotClient>();
        var started = DateTimeOffset.UtcNow;
        var returned = new List<string>();

        await foreach (var contact in client.SearchModifiedSinceAsync("contacts", DateTimeOffset.UnixEpoch, [], until: started))
        {
            returned.Add(contact.Id);
            if (returned.Count % 10 == 0)
            {
                // A user (or our write-back) edits a contact already returned: it moves to the end of the sort order.
                (await emulator.Admin.PatchAsJsonAsync($"/_emulator/objects/contacts/{returned[^5]}", new JsonObject { ["properties"] = new JsonObject { ["jobtitle"] = "Buyer" } })).EnsureSuccessStatusCode();
            }
        }

        Assert.That(returned, Is.Unique);
        Assert.That(returned, Has.Count.EqualTo(350));
    }
}
