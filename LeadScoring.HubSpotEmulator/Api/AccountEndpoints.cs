using System.Text.Json.Nodes;

namespace LeadScoring.HubSpotEmulator.Api;

/// <summary>Account info v3: the portal's details (behind auth and rate limits like every HubSpot route).</summary>
internal static class AccountEndpoints
{
    public static void MapAccount(this IEndpointRouteBuilder app, EmulatorServices services) =>
        app.MapGet("/account-info/v3/details", () => Details(services));

    private static IResult Details(EmulatorServices services)
    {
        // The offset at this instant, so it follows daylight saving time as HubSpot's does.
        var offset = services.TimeZone.OffsetAt(services.Options.TimeProvider.GetUtcNow());
        return JsonResults.Json(new JsonObject
        {
            ["portalId"] = services.Options.PortalId,
            ["accountType"] = "STANDARD",
            ["timeZone"] = services.TimeZone.Id,
            ["companyCurrency"] = "USD",
            ["additionalCurrencies"] = new JsonArray(),
            ["utcOffset"] = PortalTimeZone.FormatOffset(offset),
            ["utcOffsetMilliseconds"] = (long)offset.TotalMilliseconds,
            ["uiDomain"] = "app.hubspot.com",
            ["dataHostingLocation"] = "na1",
        });
    }
}
