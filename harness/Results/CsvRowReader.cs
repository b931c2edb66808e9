using System.Text;

namespace Harness.Results;

/// <summary>
/// Reads RFC 4180 CSV: comma-separated, fields containing commas, quotes or line breaks are quoted, and a quote in a
/// quoted field is doubled. An unquoted empty field reads as null and a quoted empty one as "", so a writer can keep
/// "no value" apart from "empty text".
/// </summary>
internal sealed class CsvRowReader
{
    private readonly TextReader reader;
    private readonly string path;
    private int line = 1;

    public CsvRowReader(TextReader reader, string path)
    {
        this.reader = reader;
        this.path = path;
    }

    /// <summary>The next record, or null at the end of input. Blank lines are skipped.</summary>
    public CsvRow? Next()
    {
        while (reader.Peek() is '\n' or '\r')
        {
            ReadLineBreak();
        }

        if (reader.Peek() < 0)
        {
            return null;
        }

        int start = line;
        var fields = new List<string?>();
        var text = new StringBuilder();
        while (true)
        {
            bool quoted = false;
            text.Clear();
            if (reader.Peek() == '"')
            {
                quoted = true;
                reader.Read();
                ReadQuoted(text, start);
            }

            // Unquoted text, or what follows a closing quote up to the separator (only a separator is allowed there).
            while (reader.Peek() is int c and >= 0 and not ',' and not '\n' and not '\r')
            {
                if (quoted || c == '"')
                {
                    throw new HarnessInputException($"{path}:{line}: malformed CSV: stray quote or text after a quoted field");
                }

                text.Append((char)reader.Read());
            }

            fields.Add(quoted || text.Length > 0 ? text.ToString() : null);
            int next = reader.Read();
            if (next == ',')
            {
                continue;
            }

            if (next == '\r' && reader.Peek() == '\n')
            {
                reader.Read();
            }

            if (next is '\r' or '\n')
            {
                line++;
            }

            return new CsvRow(start, fields);
        }
    }

    private void ReadQuoted(StringBuilder text, int start)
    {
        while (true)
        {
            int c = reader.Read();
            if (c < 0)
            {
                throw new HarnessInputException($"{path}:{start}: malformed CSV: quoted field never closed");
            }

            if (c == '"')
            {
                if (reader.Peek() != '"')
                {
                    return;
                }

                reader.Read();
            }
            else if (c == '\n')
            {
                line++;
            }

            text.Append((char)c);
        }
    }

    private void ReadLineBreak()
    {
        if (reader.Read() == '\r' && reader.Peek() == '\n')
        {
            reader.Read();
        }

        line++;
    }
}
