using System.Globalization;
using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator.Api;
using LeadScoring.HubSpotEmulator.Portal;

namespace LeadScoring.HubSpotEmulator.Admin;

/// <summary>The emulator's own endpoints under /_emulator (no auth, not HubSpot's): drive the portal and inspect what happened.</summary>
internal static class AdminEndpoints
{
    private const int MaxBulk = 10_000;

    /// <summary>Engagements one activity call may add: enough to push a contact past v4's 500 associations per page.</summary>
    private const int MaxActivities = 5_000;

    public static void MapAdmin(this IEndpointRouteBuilder app, EmulatorServices services)
    {
        var admin = app.MapGroup("/_emulator");
        admin.MapPost("/contacts/{id}/activity", (HttpContext context, string id) => ActivityAsync(services, context, id));
        admin.MapPost("/contacts", (HttpRequest request) => CreateContactsAsync(services, request.HttpContext));
        admin.MapPost("/deals", (HttpRequest request) => CreateDealsAsync(services, request.HttpContext));
        admin.MapPatch("/objects/{objectType}/{id}", (HttpContext context, string objectType, string id) => EditAsync(services, context, objectType, id));
        admin.MapGet("/contacts/{id}/writes", (HttpContext context, string id) => Writes(services, context, "contacts", id));
        admin.MapGet("/objects/{objectType}/{id}/writes", (HttpContext context, string objectType, string id) => Writes(services, context, objectType, id));
        admin.MapGet("/workflows/enrollments", () => Enrollments(services));
        admin.MapGet("/webhooks/deliveries", () =>
            JsonResults.Json(new JsonObject { ["results"] = new JsonArray([.. services.Deliveries.Snapshot().Select(d => (JsonNode)d.ToJson())]) }));
        admin.MapGet("/requests", (HttpContext context) => Requests(services, context.Request.Query));
        admin.MapDelete("/requests", () =>
        {
            services.Requests.Clear();
            return Results.NoContent();
        });
        admin.MapPost("/reset", (HttpRequest request) => ResetAsync(services, request.HttpContext));
        admin.MapGet("/ground-truth", () => GroundTruth(services));
        admin.MapPost("/outcomes", (HttpRequest request) => ResolveOutcomesAsync(services, request.HttpContext));
        admin.MapGet("/portal", () => JsonResults.Json(services.Store.Read(PortalExport.ToJson)));
        admin.MapPost("/oauth/expire", () => JsonResults.Json(new JsonObject { ["expired"] = services.Tokens.ExpireAll() }));
        admin.MapGet("/faults", () => JsonResults.Json(new JsonObject { ["results"] = new JsonArray([.. services.Faults.Rules().Select(r => (JsonNode)r.ToJson())]) }));
        admin.MapPost("/faults", (HttpRequest request) => AddFaultAsync(services, request.HttpContext));
        admin.MapGet("/fault-rate", () => JsonResults.Json(new JsonObject { ["rate"] = services.Faults.Rate }));
        admin.MapPut("/fault-rate", (HttpRequest request) => SetFaultRateAsync(services, request.HttpContext));
        admin.MapGet("/rate-limits/daily", () => DailyAllowance(services));
        admin.MapPut("/rate-limits/daily", (HttpRequest request) => SetDailyAllowanceAsync(services, request.HttpContext));
        admin.MapDelete("/faults", () =>
        {
            services.Faults.Clear();
            return Results.NoContent();
        });
    }

    private static async Task<IResult> ActivityAsync(EmulatorServices services, HttpContext context, string id)
    {
        var (body, error) = await JsonResults.ReadObjectAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            return error!;
        }

        var activity = JsonResults.Scalar(body["type"]) ?? "";
        if (!AdminWrites.ActivityTypes.Contains(activity))
        {
            return HubSpotErrors.Validation($"type must be one of {string.Join(", ", AdminWrites.ActivityTypes)} (got '{activity}').");
        }

        var count = 1L;
        if (body["count"] is { } countNode && (!TryInteger(countNode, out count) || count is < 1 or > MaxActivities))
        {
            return HubSpotErrors.Validation($"count must be an integer from 1 to {MaxActivities} (got {countNode.ToJsonString()}).");
        }

        return services.Store.Write(w => w.Data.Find(ObjectType.Contacts, id) is { } contact
            ? JsonResults.Json(AdminWrites.AddActivity(w, contact, activity, (int)count), StatusCodes.Status201Created)
            : HubSpotErrors.NotFound($"No contact {id}"));
    }

    private static async Task<IResult> CreateContactsAsync(EmulatorServices services, HttpContext context)
    {
        var (body, error) = await JsonResults.ReadObjectAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            return error!;
        }

        var count = Int(body["count"]) ?? 1;
        if (count is < 1 or > MaxBulk)
        {
            return HubSpotErrors.Validation($"count must be between 1 and {MaxBulk}.");
        }

        return services.Store.Write(w =>
        {
            var (overrides, errors) = PropertyValidation.Validate(w.Data, ObjectType.Contacts, body["properties"] as JsonObject, allowReadOnly: true);
            if (errors.Count > 0)
            {
                return PropertyValidation.Rejected(errors);
            }

            if (overrides.TryGetValue("email", out var email) && (count > 1 || w.Data.ContactsByEmail.ContainsKey(email.ToLowerInvariant())))
            {
                return HubSpotErrors.Result(StatusCodes.Status409Conflict, $"Contact already exists or email {email} would repeat across {count} contacts.", "CONFLICT");
            }

            var created = AdminWrites.CreateContacts(w, count, overrides);
            return JsonResults.Json(new JsonObject { ["ids"] = Ids(created) }, StatusCodes.Status201Created);
        });
    }

    private static async Task<IResult> CreateDealsAsync(EmulatorServices services, HttpContext context)
    {
        var (body, error) = await JsonResults.ReadObjectAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            return error!;
        }

        var count = Int(body["count"]) ?? 1;
        var stage = JsonResults.Scalar(body["dealstage"]) ?? "appointmentscheduled";
        var amountText = JsonResults.Scalar(body["amount"]);
        decimal? amount = decimal.TryParse(amountText, NumberStyles.Float, CultureInfo.InvariantCulture, out var a) ? a : null;
        var contactId = JsonResults.Scalar(body["contactId"]);
        var companyId = JsonResults.Scalar(body["companyId"]);
        if (count is < 1 or > MaxBulk)
        {
            return HubSpotErrors.Validation($"count must be between 1 and {MaxBulk}.");
        }

        if (!PropertyCatalog.DealStages.Contains(stage))
        {
            return HubSpotErrors.Validation($"dealstage must be one of {string.Join(", ", PropertyCatalog.DealStages)}.");
        }

        if (contactId is null && companyId is null)
        {
            return HubSpotErrors.Validation("Give a contactId, a companyId or both.");
        }

        if (amountText is not null && amount is null)
        {
            return HubSpotErrors.Validation($"amount must be a number (got '{amountText}').");
        }

        return services.Store.Write(w =>
        {
            var contact = contactId is null ? null : w.Data.Find(ObjectType.Contacts, contactId);
            var company = companyId is null ? null : w.Data.Find(ObjectType.Companies, companyId);
            if ((contactId is not null && contact is null) || (companyId is not null && company is null))
            {
                return HubSpotErrors.NotFound($"No contact {contactId} or company {companyId}");
            }

            var deals = AdminWrites.CreateDeals(w, contact, company, count, stage, amount);
            return JsonResults.Json(new JsonObject { ["ids"] = Ids(deals) }, StatusCodes.Status201Created);
        });
    }

    private static async Task<IResult> EditAsync(EmulatorServices services, HttpContext context, string objectType, string id)
    {
        if (ObjectType.Find(objectType) is not { } type)
        {
            return HubSpotErrors.UnknownObjectType(objectType);
        }

        var (body, error) = await JsonResults.ReadObjectAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            return error!;
        }

        return services.Store.Write(w =>
        {
            if (w.Data.Find(type, id) is not { } obj)
            {
                return HubSpotErrors.NotFound($"No {type.Singular} {id}");
            }

            var (values, errors) = PropertyValidation.Validate(w.Data, type, body["properties"] as JsonObject, allowReadOnly: true);
            if (errors.Count > 0)
            {
                return PropertyValidation.Rejected(errors);
            }

            w.Update(obj, values, AdminWrites.CrmUi);
            return JsonResults.Json(ObjectJson.Render(w.Data, obj, [.. values.Keys]));
        });
    }

    private static IResult Writes(EmulatorServices services, HttpContext context, string objectType, string id)
    {
        if (ObjectType.Find(objectType) is not { } type)
        {
            return HubSpotErrors.UnknownObjectType(objectType);
        }

        var source = context.Request.Query["source"].ToString();
        return services.Store.Read(data =>
        {
            if (data.Find(type, id) is not { } obj)
            {
                return HubSpotErrors.NotFound($"No {type.Singular} {id}");
            }

            var writes = data.Writes.GetValueOrDefault(new ObjectKey(type, obj.Id)) ?? [];
            return JsonResults.Json(new JsonObject
            {
                ["objectType"] = type.Name,
                ["id"] = Formats.Text(obj.Id),
                ["writes"] = new JsonArray([.. writes.Where(x => source.Length == 0 || x.Source == source).Select(x => (JsonNode)new JsonObject
                {
                    ["property"] = x.Property,
                    ["value"] = x.Value,
                    ["previous"] = x.Previous,
                    ["changed"] = x.Changed,
                    ["at"] = Formats.Iso(x.At),
                    ["source"] = x.Source,
                    ["sourceId"] = x.SourceId,
                })]),
            });
        });
    }

    private static IResult Enrollments(EmulatorServices services) => JsonResults.Json(services.Store.Read(data => new JsonObject
    {
        ["results"] = new JsonArray([.. data.Enrollments.Select(e => (JsonNode)new JsonObject
        {
            ["workflowId"] = e.WorkflowId,
            ["contactId"] = Formats.Text(e.ContactId),
            ["email"] = e.Email,
            ["at"] = Formats.Iso(e.At),
        })]),
    }));

    private static IResult Requests(EmulatorServices services, IQueryCollection query)
    {
        var pathContains = query["pathContains"].ToString();
        var method = query["method"].ToString();
        var records = services.Requests.Snapshot()
            .Where(r => pathContains.Length == 0 || r.Path.Contains(pathContains, StringComparison.OrdinalIgnoreCase))
            .Where(r => method.Length == 0 || string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase));
        return JsonResults.Json(new JsonObject { ["results"] = new JsonArray([.. records.Select(r => (JsonNode)r.ToJson())]) });
    }

    private static async Task<IResult> ResetAsync(EmulatorServices services, HttpContext context)
    {
        var seed = services.Options.Seed;
        var contacts = services.Options.Contacts;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            var (body, error) = await JsonResults.ReadObjectAsync(context.Request, context.RequestAborted);
            if (body is null)
            {
                return error!;
            }

            seed = Int(body["seed"]) ?? seed;
            contacts = Int(body["contacts"]) ?? contacts;
            if (contacts is < 0 or > 1_000_000)
            {
                return HubSpotErrors.Validation("contacts must be between 0 and 1000000.");
            }
        }

        services.Store.Replace(PortalGenerator.Seed(seed, contacts, services.Options.TimeProvider.GetUtcNow()));
        services.Requests.Clear();
        services.Faults.Clear();
        services.RateLimits.Clear();
        services.Deliveries.Clear();
        return JsonResults.Json(new JsonObject { ["seed"] = seed, ["contacts"] = contacts });
    }

    /// <summary>
    /// Time passes: every contact that has not converted yet closes a deal now — won with its hidden propensity, lost
    /// otherwise (seeded, so a test can repeat it). This is what retraining learns from.
    /// </summary>
    private static async Task<IResult> ResolveOutcomesAsync(EmulatorServices services, HttpContext context)
    {
        var (body, error) = await JsonResults.ReadObjectAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            return error!;
        }

        var seed = Int(body["seed"]) ?? 1;
        return services.Store.Write(w =>
        {
            var random = new Random(seed);
            int won = 0, lost = 0;
            foreach (var (id, truth) in w.Data.GroundTruth.OrderBy(p => p.Key).ToList())
            {
                if (truth.Converted || w.Data.Find(ObjectType.Contacts, Formats.Text(id)) is not { } contact)
                {
                    continue;
                }

                var wins = random.NextDouble() < truth.Propensity;
                AdminWrites.CreateDeals(w, contact, null, 1, wins ? "closedwon" : "closedlost", null);
                _ = wins ? won++ : lost++;
            }

            return JsonResults.Json(new JsonObject { ["won"] = won, ["lost"] = lost });
        });
    }

    private static IResult GroundTruth(EmulatorServices services) => JsonResults.Json(services.Store.Read(data =>
    {
        var contacts = new JsonObject();
        foreach (var (id, truth) in data.GroundTruth)
        {
            contacts[Formats.Text(id)] = new JsonObject { ["propensity"] = truth.Propensity, ["converted"] = truth.Converted };
        }

        return new JsonObject { ["seed"] = data.Seed, ["contacts"] = contacts };
    }));

    private static async Task<IResult> AddFaultAsync(EmulatorServices services, HttpContext context)
    {
        var (body, error) = await JsonResults.ReadObjectAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            return error!;
        }

        var status = Int(body["status"]);
        var count = Int(body["count"]) ?? 1;
        var retryAfter = Int(body["retryAfterSeconds"]);
        var hang = Int(body["hangSeconds"]);
        if (status is not (>= 400 and <= 599))
        {
            return HubSpotErrors.Validation("status must be an HTTP error status between 400 and 599.");
        }

        if (count < 1 || retryAfter < 0 || hang is < 1 or > 600)
        {
            return HubSpotErrors.Validation("count must be at least 1, retryAfterSeconds not negative and hangSeconds from 1 to 600.");
        }

        var rule = services.Faults.Add(status.Value, count, retryAfter, JsonResults.Scalar(body["pathContains"]), JsonResults.Scalar(body["policyName"]), hang);
        return JsonResults.Json(rule.ToJson(), StatusCodes.Status201Created);
    }

    private static async Task<IResult> SetFaultRateAsync(EmulatorServices services, HttpContext context)
    {
        var (body, error) = await JsonResults.ReadObjectAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            return error!;
        }

        if (!double.TryParse(JsonResults.Scalar(body["rate"]), NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate is < 0 or > 1)
        {
            return HubSpotErrors.Validation("rate must be a number from 0 to 1 (the share of API calls that fail).");
        }

        services.Faults.Rate = rate;
        return JsonResults.Json(new JsonObject { ["rate"] = rate });
    }

    private static IResult DailyAllowance(EmulatorServices services)
    {
        var limits = services.RateLimits;
        return JsonResults.Json(new JsonObject
        {
            ["max"] = limits.Daily.Max,
            ["remaining"] = limits.Daily.Remaining(limits.PrivateAppKey),
            ["resetsAt"] = Formats.Iso(limits.Daily.ResetsAt()),
        });
    }

    private static async Task<IResult> SetDailyAllowanceAsync(EmulatorServices services, HttpContext context)
    {
        var (body, error) = await JsonResults.ReadObjectAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            return error!;
        }

        if (!TryInteger(body["remaining"], out var remaining) || remaining < 0)
        {
            return HubSpotErrors.Validation($"remaining must be an integer of 0 or more (got {body["remaining"]?.ToJsonString() ?? "nothing"}).");
        }

        services.RateLimits.Daily.SetRemaining(services.RateLimits.PrivateAppKey, remaining);
        return DailyAllowance(services);
    }

    /// <summary>A whole number, as a JSON number or numeric string; false for fractions, text, booleans and null.</summary>
    private static bool TryInteger(JsonNode? node, out long value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() is System.Text.Json.JsonValueKind.Number or System.Text.Json.JsonValueKind.String
            && long.TryParse(JsonResults.Scalar(node), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    private static int? Int(JsonNode? node) =>
        int.TryParse(JsonResults.Scalar(node), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static JsonArray Ids(IEnumerable<CrmObject> objects) => [.. objects.Select(o => (JsonNode)Formats.Text(o.Id))];
}
