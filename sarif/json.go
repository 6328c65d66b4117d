package sarif

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// encode writes v as indented JSON with every object member whose value is
// null left out, keeping the order of the members. go-sarif v2.3.3 writes
// some optional fields without omitempty (suppression.status, .location,
// .guid, .justification), and SARIF's schema allows null nowhere.
func encode(w io.Writer, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode sarif: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out bytes.Buffer
	if err := copyValue(dec, &out); err != nil {
		return fmt.Errorf("re-encode sarif: %w", err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, out.Bytes(), "", "  "); err != nil {
		return fmt.Errorf("indent sarif: %w", err)
	}
	pretty.WriteByte('\n')
	_, err = w.Write(pretty.Bytes())
	return err
}

// copyValue copies the next JSON value from dec to out, dropping object
// members that are null. A null that is not an object member (an array
// element, the top level) is kept.
func copyValue(dec *json.Decoder, out *bytes.Buffer) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return copyObject(dec, out)
		case '[':
			return copyArray(dec, out)
		}
		return fmt.Errorf("unexpected %v", t)
	default:
		return writeScalar(out, t)
	}
}

func copyObject(dec *json.Decoder, out *bytes.Buffer) error {
	out.WriteByte('{')
	first := true
	for dec.More() {
		keyTok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := keyTok.(string)
		var val bytes.Buffer
		if err := copyValue(dec, &val); err != nil {
			return err
		}
		if val.String() == "null" {
			continue
		}
		if !first {
			out.WriteByte(',')
		}
		first = false
		if err := writeScalar(out, key); err != nil {
			return err
		}
		out.WriteByte(':')
		out.Write(val.Bytes())
	}
	_, err := dec.Token() // '}'
	out.WriteByte('}')
	return err
}

func copyArray(dec *json.Decoder, out *bytes.Buffer) error {
	out.WriteByte('[')
	first := true
	for dec.More() {
		if !first {
			out.WriteByte(',')
		}
		first = false
		if err := copyValue(dec, out); err != nil {
			return err
		}
	}
	_, err := dec.Token() // ']'
	out.WriteByte(']')
	return err
}

// writeScalar writes a string, number, bool or null without the HTML
// escaping of json.Marshal, so that "<" stays readable in messages.
func writeScalar(out *bytes.Buffer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	out.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
	return nil
}
