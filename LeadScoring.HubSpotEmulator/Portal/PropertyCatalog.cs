namespace LeadScoring.HubSpotEmulator.Portal;

/// <summary>
/// The HubSpot-defined properties the seeded portal uses. Custom properties (the product's <c>ai_*</c> ones) are not
/// here: the product has to create them through the properties API.
/// </summary>
internal static class PropertyCatalog
{
    private static readonly DateTimeOffset Defined = new(2019, 8, 6, 0, 0, 0, TimeSpan.Zero);

    public static IReadOnlyDictionary<ObjectType, IReadOnlyList<PropertyGroup>> Groups { get; } = new Dictionary<ObjectType, IReadOnlyList<PropertyGroup>>
    {
        [ObjectType.Contacts] =
        [
            new("contactinformation", "Contact information", 0), new("emailinformation", "Email information", 1),
            new("analyticsinformation", "Web analytics history", 2), new("conversioninformation", "Conversion information", 3),
            new("sales_properties", "Sales properties", 4), new("deal_information", "Deal information", 5),
        ],
        [ObjectType.Companies] = [new("companyinformation", "Company information", 0), new("analyticsinformation", "Web analytics history", 1)],
        [ObjectType.Deals] = [new("dealinformation", "Deal information", 0), new("deal_activity", "Deal activity", 1)],
        [ObjectType.Emails] = [new("emailinformation", "Email information", 0)],
        [ObjectType.Meetings] = [new("meetinginformation", "Meeting information", 0)],
        [ObjectType.Calls] = [new("callinformation", "Call information", 0)],
        [ObjectType.Notes] = [new("noteinformation", "Note information", 0)],
    };

    public static IReadOnlyList<string> LifecycleStages { get; } =
        ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist", "other"];

    public static IReadOnlyList<string> DealStages { get; } =
        ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"];

    public static IReadOnlyList<string> AnalyticsSources { get; } =
        ["ORGANIC_SEARCH", "PAID_SEARCH", "EMAIL_MARKETING", "SOCIAL_MEDIA", "REFERRALS", "OTHER_CAMPAIGNS", "DIRECT_TRAFFIC", "OFFLINE", "PAID_SOCIAL"];

    public static IReadOnlyList<string> Industries { get; } =
    [
        "COMPUTER_SOFTWARE", "INFORMATION_TECHNOLOGY_AND_SERVICES", "INTERNET", "FINANCIAL_SERVICES", "BANKING", "INSURANCE",
        "HOSPITAL_HEALTH_CARE", "MARKETING_AND_ADVERTISING", "MANAGEMENT_CONSULTING", "RETAIL", "MACHINERY", "AUTOMOTIVE",
        "CONSTRUCTION", "EDUCATION_MANAGEMENT", "REAL_ESTATE", "TELECOMMUNICATIONS", "LOGISTICS_AND_SUPPLY_CHAIN",
        "NONPROFIT_ORGANIZATION_MANAGEMENT", "HOSPITALITY", "FOOD_BEVERAGES",
    ];

    public static IReadOnlyDictionary<ObjectType, IReadOnlyList<PropertyDefinition>> Properties { get; } = new Dictionary<ObjectType, IReadOnlyList<PropertyDefinition>>
    {
        [ObjectType.Contacts] =
        [
            Text("firstname", "First Name", "contactinformation", form: true),
            Text("lastname", "Last Name", "contactinformation", form: true),
            Text("email", "Email", "contactinformation", form: true, unique: true),
            Text("phone", "Phone Number", "contactinformation", field: "phonenumber", form: true),
            Text("mobilephone", "Mobile Phone Number", "contactinformation", field: "phonenumber", form: true),
            Text("address", "Street Address", "contactinformation", form: true),
            Text("city", "City", "contactinformation", form: true),
            Text("state", "State/Region", "contactinformation", form: true),
            Text("zip", "Postal Code", "contactinformation", form: true),
            Text("country", "Country/Region", "contactinformation", form: true),
            Text("jobtitle", "Job Title", "contactinformation", form: true),
            Text("company", "Company Name", "contactinformation", form: true),
            Text("website", "Website URL", "contactinformation", form: true),
            Enum("lifecyclestage", "Lifecycle Stage", "contactinformation", LifecycleStages),
            Enum("hs_lead_status", "Lead Status", "sales_properties",
                ["NEW", "OPEN", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT", "CONNECTED", "BAD_TIMING"]),
            Enum("hs_analytics_source", "Original Traffic Source", "analyticsinformation", AnalyticsSources, readOnly: true),
            Text("hubspot_owner_id", "Contact owner", "sales_properties"),
            DateTime("createdate", "Create Date", "contactinformation"),
            DateTime("lastmodifieddate", "Last Modified Date", "contactinformation", readOnly: true),
            DateTime("hs_lastmodifieddate", "Object last modified date/time", "contactinformation", readOnly: true),
            Number("hs_object_id", "Record ID", "contactinformation", readOnly: true),
            Number("associatedcompanyid", "Primary Associated Company ID", "contactinformation"),
            Number("hs_email_open", "Marketing emails opened", "emailinformation", readOnly: true),
            Number("hs_email_click", "Marketing emails clicked", "emailinformation", readOnly: true),
            DateTime("hs_email_last_open_date", "Last marketing email open date", "emailinformation", readOnly: true),
            DateTime("hs_sales_email_last_opened", "Recent Sales Email Opened Date", "sales_properties", readOnly: true),
            DateTime("hs_sales_email_last_clicked", "Recent Sales Email Clicked Date", "sales_properties", readOnly: true),
            DateTime("hs_sales_email_last_replied", "Recent Sales Email Replied Date", "sales_properties", readOnly: true),
            DateTime("notes_last_contacted", "Last Contacted", "sales_properties", readOnly: true),
            DateTime("notes_last_updated", "Last Activity Date", "sales_properties", readOnly: true),
            Number("num_contacted_notes", "Number of times contacted", "sales_properties", readOnly: true),
            Number("num_notes", "Number of Sales Activities", "sales_properties", readOnly: true),
            DateTime("hs_last_sales_activity_timestamp", "Last Engagement Date", "sales_properties", readOnly: true),
            Number("num_associated_deals", "Number of Associated Deals", "deal_information", readOnly: true),
            Number("num_conversion_events", "Number of Form Submissions", "conversioninformation", readOnly: true),
            DateTime("recent_conversion_date", "Recent Conversion Date", "conversioninformation", readOnly: true),
            Number("hs_analytics_num_page_views", "Number of Pageviews", "analyticsinformation", readOnly: true),
            Number("hs_analytics_num_visits", "Number of Sessions", "analyticsinformation", readOnly: true),
            Number("hs_predictivecontactscore_v2", "Likelihood to close", "contactinformation", readOnly: true),
        ],
        [ObjectType.Companies] =
        [
            Text("name", "Company name", "companyinformation"),
            Text("domain", "Company Domain Name", "companyinformation"),
            Text("website", "Website URL", "companyinformation"),
            Enum("industry", "Industry", "companyinformation", Industries),
            Number("numberofemployees", "Number of Employees", "companyinformation"),
            Number("annualrevenue", "Annual Revenue", "companyinformation"),
            Text("country", "Country/Region", "companyinformation"),
            Text("city", "City", "companyinformation"),
            Text("phone", "Phone Number", "companyinformation", field: "phonenumber"),
            Enum("lifecyclestage", "Lifecycle Stage", "companyinformation", LifecycleStages),
            DateTime("createdate", "Create Date", "companyinformation"),
            DateTime("hs_lastmodifieddate", "Last Modified Date", "companyinformation", readOnly: true),
            Number("hs_object_id", "Record ID", "companyinformation", readOnly: true),
            Number("num_associated_contacts", "Number of Associated Contacts", "companyinformation", readOnly: true),
            Number("num_associated_deals", "Number of Associated Deals", "companyinformation", readOnly: true),
        ],
        [ObjectType.Deals] =
        [
            Text("dealname", "Deal Name", "dealinformation"),
            Number("amount", "Amount", "dealinformation"),
            Enum("dealstage", "Deal Stage", "dealinformation", DealStages),
            Enum("pipeline", "Pipeline", "dealinformation", ["default"]),
            DateTime("closedate", "Close Date", "dealinformation"),
            DateTime("createdate", "Create Date", "dealinformation"),
            DateTime("hs_lastmodifieddate", "Last Modified Date", "dealinformation", readOnly: true),
            Number("hs_object_id", "Record ID", "dealinformation", readOnly: true),
            Bool("hs_is_closed_won", "Is Closed Won", "dealinformation", readOnly: true),
            Bool("hs_is_closed", "Is Deal Closed?", "dealinformation", readOnly: true),
            Bool("hs_is_closed_lost", "Is closed lost", "dealinformation", readOnly: true),
            Number("hs_deal_stage_probability", "Deal probability", "dealinformation", readOnly: true),
            Enum("dealtype", "Deal Type", "dealinformation", ["newbusiness", "existingbusiness"]),
        ],
        [ObjectType.Emails] =
        [
            .. Engagement("emailinformation"),
            Enum("hs_email_direction", "Email direction", "emailinformation", ["EMAIL", "INCOMING_EMAIL", "FORWARDED_EMAIL"]),
            Enum("hs_email_status", "Email send status", "emailinformation", ["BOUNCED", "FAILED", "SCHEDULED", "SENDING", "SENT"]),
            Text("hs_email_subject", "Email subject", "emailinformation"),
            Text("hs_email_text", "Email body", "emailinformation", field: "textarea"),
            Text("hs_email_from_email", "From email", "emailinformation"),
            Text("hs_email_to_email", "To email", "emailinformation"),
        ],
        [ObjectType.Meetings] =
        [
            .. Engagement("meetinginformation"),
            Text("hs_meeting_title", "Meeting name", "meetinginformation"),
            Enum("hs_meeting_outcome", "Meeting outcome", "meetinginformation", ["SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED"]),
            DateTime("hs_meeting_start_time", "Meeting start time", "meetinginformation"),
            DateTime("hs_meeting_end_time", "Meeting end time", "meetinginformation"),
        ],
        [ObjectType.Calls] =
        [
            .. Engagement("callinformation"),
            Text("hs_call_title", "Call title", "callinformation"),
            Enum("hs_call_direction", "Call direction", "callinformation", ["INBOUND", "OUTBOUND"]),
            Enum("hs_call_status", "Call status", "callinformation",
                ["BUSY", "CALLING_CRM_USER", "CANCELED", "COMPLETED", "CONNECTING", "FAILED", "IN_PROGRESS", "NO_ANSWER", "QUEUED", "RINGING"]),
            Text("hs_call_disposition", "Call outcome", "callinformation"),
            Number("hs_call_duration", "Call duration", "callinformation"),
        ],
        [ObjectType.Notes] =
        [
            .. Engagement("noteinformation"),
            Text("hs_note_body", "Note body", "noteinformation", field: "html"),
        ],
    };

    private static PropertyDefinition[] Engagement(string group) =>
    [
        DateTime("hs_timestamp", "Activity date", group),
        DateTime("hs_createdate", "Created at", group, readOnly: true),
        DateTime("hs_lastmodifieddate", "Last Modified Date", group, readOnly: true),
        Number("hs_object_id", "Record ID", group, readOnly: true),
        Text("hubspot_owner_id", "Activity assigned to", group),
    ];

    private static PropertyDefinition Text(string name, string label, string group, string field = "text", bool form = false, bool unique = false) =>
        Make(name, label, "string", field, group) with { FormField = form, HasUniqueValue = unique };

    private static PropertyDefinition Number(string name, string label, string group, bool readOnly = false) =>
        Make(name, label, "number", "number", group) with { ReadOnlyValue = readOnly };

    private static PropertyDefinition DateTime(string name, string label, string group, bool readOnly = false) =>
        Make(name, label, "datetime", "date", group) with { ReadOnlyValue = readOnly };

    private static PropertyDefinition Bool(string name, string label, string group, bool readOnly = false) =>
        Make(name, label, "bool", "booleancheckbox", group) with
        {
            ReadOnlyValue = readOnly,
            Options = [new("True", "true", 0), new("False", "false", 1)],
        };

    private static PropertyDefinition Enum(string name, string label, string group, IReadOnlyList<string> values, bool readOnly = false) =>
        Make(name, label, "enumeration", "select", group) with
        {
            ReadOnlyValue = readOnly,
            Options = [.. values.Select((v, i) => new PropertyOption(Humanize(v), v, i))],
        };

    private static PropertyDefinition Make(string name, string label, string type, string field, string group) => new()
    {
        Name = name,
        Label = label,
        Type = type,
        FieldType = field,
        GroupName = group,
        HubSpotDefined = true,
        CreatedAt = Defined,
        UpdatedAt = Defined,
    };

    private static string Humanize(string value) =>
        string.Join(' ', value.Split('_').Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant()));
}
