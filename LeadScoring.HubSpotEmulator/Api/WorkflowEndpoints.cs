using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator.Portal;

namespace LeadScoring.HubSpotEmulator.Api;

/// <summary>Legacy v2 workflow enrollment by email. HubSpot accepts (and records) repeated enrollments; deduping is the caller's job.</summary>
internal static class WorkflowEndpoints
{
    public static void MapWorkflows(this IEndpointRouteBuilder app, EmulatorServices services)
    {
        app.MapPost("/automation/v2/workflows/{workflowId}/enrollments/contacts/{email}", (string workflowId, string email) => Enroll(services, workflowId, email));
        app.MapGet("/automation/v2/workflows/enrollments/contacts/{contactId}", (string contactId) => ListForContact(services, contactId));
    }

    private static IResult Enroll(EmulatorServices services, string workflowId, string email)
    {
        if (!long.TryParse(workflowId, System.Globalization.CultureInfo.InvariantCulture, out var id) || id != services.Options.WorkflowId)
        {
            return HubSpotErrors.NotFound($"Workflow {workflowId} not found");
        }

        return services.Store.Write(w =>
        {
            if (!w.Data.ContactsByEmail.TryGetValue(email.ToLowerInvariant(), out var contactId))
            {
                return HubSpotErrors.NotFound($"Contact with email {email} not found");
            }

            w.Data.Enrollments.Add(new Enrollment(id, contactId, email, w.Now));
            return Results.NoContent();
        });
    }

    private static IResult ListForContact(EmulatorServices services, string contactId) =>
        JsonResults.Json(services.Store.Read(data =>
        {
            var workflows = data.Enrollments
                .Where(e => Formats.Text(e.ContactId) == contactId)
                .Select(e => e.WorkflowId)
                .Distinct()
                .Select(id => (JsonNode)new JsonObject
                {
                    ["id"] = id,
                    ["name"] = "Lead scoring follow-up",
                    ["type"] = "DRIP_DELAY",
                    ["portalId"] = services.Options.PortalId,
                    ["enabled"] = true,
                });
            return new JsonArray([.. workflows]);
        }));
}
