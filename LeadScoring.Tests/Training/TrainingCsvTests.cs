using System.Text;
using LeadScoring.Core.Training;

namespace LeadScoring.Tests.Training;

[TestFixture]
public sealed class TrainingCsvTests
{
    [Test]
    public void Parse_RecordsWithFeatures_ReadsEveryColumn()
    {
        const string Csv = """
            contactId,classification,score,attributes,notes,industry,employeeCount,country,emailOpens,lastEngagementAt
            51,Ideal,92,industry;meetings,"Champion, call +1 202 555 0143",COMPUTER_SOFTWARE,250,US,6,2026-11-20T10:00:00Z
            ,Less Ideal,20,,,FARMING,3,AQ,0,
            """;

        var (rows, errors) = TrainingCsv.Parse(Csv, TimeProvider.System.GetUtcNow());

        Assert.That(errors, Is.Empty);
        Assert.That(rows, Has.Count.EqualTo(2));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(rows[0].Input.ContactId, Is.EqualTo("51"));
            Assert.That(rows[0].Input.Score, Is.EqualTo(92));
            Assert.That(rows[0].Input.Attributes, Is.EqualTo(new[] { "industry", "meetings" }));
            Assert.That(rows[0].Input.Notes, Is.EqualTo("Champion, call +1 202 555 0143"), "scrubbing happens when the record is stored");
            Assert.That(rows[0].Input.Features!.Industry, Is.EqualTo("COMPUTER_SOFTWARE"));
            Assert.That(rows[0].Input.Features!.EmployeeCount, Is.EqualTo(250));
            Assert.That(rows[0].Input.Features!.LastEngagementAt, Is.EqualTo(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero)));
            Assert.That(rows[1].Input.ContactId, Is.Null);
            Assert.That(rows[1].Input.Classification, Is.EqualTo("Less Ideal"));
            Assert.That(rows[1].Input.Features!.EmailOpens, Is.Zero);
        }
    }

    [Test]
    public void Parse_QuotedFieldWithQuotesAndNewline_IsOneCell()
    {
        var rows = TrainingCsv.Split("a,b\r\n\"say \"\"hi\"\"\nthere\",2\r\n");

        Assert.That(rows, Has.Count.EqualTo(2));
        Assert.That(rows[1], Is.EqualTo(new[] { "say \"hi\"\nthere", "2" }));
    }

    [TestCase("contactId,classification,score,colour\n51,Ideal,90,red", "header.colour")]
    [TestCase("contactId,classification,score\n51,Ideal,ninety", "row 2.score")]
    [TestCase("contactId,classification,score\n51,Great,90", "row 2.classification")]
    [TestCase("contactId,classification,score\n51,Ideal", "row 2")]
    [TestCase("classification,score,employeeCount\nIdeal,90,many", "row 2.features.employeeCount")]
    [TestCase("classification,score,emailOpens\nIdeal,90,-3", "row 2.features.emailOpens")]
    [TestCase("", "$")]
    public void Parse_BadCsv_NamesRowAndColumnAndReturnsNoRowsOfTheBadKind(string csv, string field)
    {
        var (rows, errors) = TrainingCsv.Parse(csv, TimeProvider.System.GetUtcNow());

        Assert.That(errors.Select(e => e.Field), Does.Contain(field));
        Assert.That(rows, Is.Empty);
    }

    // Defect #14: a blank line made Parse say "row 5" and the HubSpot lookup "row 3" for the same record.
    [Test]
    public void Parse_BlankLinesAndMultiLineCells_RowsCarryTheFileLineNumber()
    {
        const string Csv = "classification,score,notes,industry\n\nIdeal,90,\"two\nlines\",FARMING\n\r\nLessIdeal,oops,x,FARMING\nIdeal,80,y,FARMING\n";

        var (rows, errors) = TrainingCsv.Parse(Csv, TimeProvider.System.GetUtcNow());

        Assert.That(errors.Select(e => e.Field).Distinct(), Is.EqualTo(new[] { "row 6.score" }), "header 1, blank 2, record 3–4, blank 5, bad row 6");
        Assert.That(rows.Select(r => r.Line), Is.EqualTo(new[] { 3, 7 }));
    }

    [Test]
    public void Decode_Utf8WithBom_BomDropped()
    {
        var (text, error) = TrainingCsv.Decode([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("contactId,notes\n1,Müller")]);

        Assert.That(error, Is.Null);
        Assert.That(text, Is.EqualTo("contactId,notes\n1,Müller"));
    }

    // Defect #14: Latin-1 bytes were silently turned into U+FFFD.
    [Test]
    public void Decode_Latin1_ErrorSaysUtf8AndNamesTheLine()
    {
        var latin1 = Encoding.Latin1.GetBytes("classification,score,notes\nIdeal,90,ok\nIdeal,80,Müller\n");

        var (text, error) = TrainingCsv.Decode(latin1);

        Assert.That(text, Is.Null);
        Assert.That(error!.Field, Is.EqualTo("$"));
        Assert.That(error.Message, Does.Contain("must be UTF-8").And.Contain("line 3").And.Contain("0xFC"));
    }
}
