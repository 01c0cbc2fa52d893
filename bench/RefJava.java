/* SPDX-License-Identifier: MIT */
/* RefJava.java - Java reference for cdaimg-bench (JDK only, single file).
 *
 * Writes the same <section xmlns="urn:hl7-org:v3"> with one <entry> and its Series Act per
 * synthetic series as bench/refs.c, with no checks, and times itself. The generator is a port
 * of bench/gen.c (CDA-ready strings only).
 *
 *     java bench/RefJava.java N [--out PATH] [--mode dom|stax]
 *
 * dom:  org.w3c.dom Document (namespace aware) serialized by an identity Transformer (indent 2)
 * stax: javax.xml.stream.XMLStreamWriter, indentation written by hand
 *
 * The JIT warms up: a first run of min(N, 20000) series goes to a null stream, then the N
 * series are written to --out; both runs are printed. Peak RSS is the JVM's (VmHWM). */
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamWriter;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

public class RefJava {
	static final String HL7 = "urn:hl7-org:v3";
	static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
	static final String TPL_SERIES_1 = "1.2.840.10008.9.17", TPL_SERIES_2 = "1.2.250.1.213.1.1.3.156";
	static final String TPL_SOP_1 = "1.2.840.10008.9.18", TPL_SOP_2 = "1.2.250.1.213.1.1.3.157";
	static final String TPL_FRAMES = "1.2.250.1.213.1.1.3.164", TPL_BOUNDARY = "1.2.250.1.213.1.1.3.166";
	static final String OID_DCM = "1.2.840.10008.2.16.4", OID_DCMUID = "1.2.840.10008.2.6.1";
	static final String DISPLAY_SERIES = "S\u00e9rie", DISPLAY_MODALITY = "Modalit\u00e9";

	/* modality, SOP class, their display names (those the C generator takes from data/valuesets/) */
	static final String[][] KINDS = {
		{"CT", "1.2.840.10008.5.1.4.1.1.2", "Tomodensitom\u00e9trie", "CT Image Storage"},
		{"MR", "1.2.840.10008.5.1.4.1.1.4", "R\u00e9sonance magn\u00e9tique", "MR Image Storage"},
		{"US", "1.2.840.10008.5.1.4.1.1.6.1", "\u00c9chographie", "Ultrasound Image Storage"},
		{"CR", "1.2.840.10008.5.1.4.1.1.1", "Radiographie assist\u00e9e par ordinateur",
		 "Computed Radiography Image Storage"},
		{"DX", "1.2.840.10008.5.1.4.1.1.1.1", "Radiographie num\u00e9rique",
		 "Digital X-Ray Image Storage - For Presentation"},
		{"MG", "1.2.840.10008.5.1.4.1.1.1.2", "Mammographie",
		 "Digital Mammography X-Ray Image Storage- For Presentation"},
		{"NM", "1.2.840.10008.5.1.4.1.1.20", "M\u00e9decine nucl\u00e9aire", "Nuclear Medicine Image Storage"},
		{"CT", "1.2.840.10008.5.1.4.1.1.2", "Tomodensitom\u00e9trie", "CT Image Storage"},
	};

	/* Series i as CDA-ready strings. */
	static final class Gen {
		String seriesUid, sopUid, ts, text, url, frames;
		String[] kind;

		void make(long i) {
			long study = i / 8;
			kind = KINDS[(int) (study % 8)];
			String studyUid = "1.2.250.1.213.4.1.2." + (1000000 + study);
			seriesUid = studyUid + "." + (i % 8 + 1);
			sopUid = seriesUid + ".1";
			url = "https://pacs.example.org/wado?requestType=WADO&studyUID=" + studyUid + "&seriesUID=" + seriesUid
			      + "&objectUID=" + sopUid + "&contentType=application/dicom";
			long y = 2021 + study % 4, mo = 1 + study / 4 % 12, d = 1 + study / 48 % 28;
			long h = 7 + study % 12, mi = study * 7 % 60, s = i * 13 % 60;
			int zone = mo >= 4 && mo <= 10 ? 2 : 1;
			StringBuilder b = new StringBuilder(24);
			b.append(y);
			two(b, mo);
			two(b, d);
			two(b, h);
			two(b, mi);
			two(b, s);
			b.append("+0").append(zone).append("00");
			ts = b.toString();
			text = i % 4 == 1 ? "S\u00e9rie " + (i % 8 + 1) + " & contraste" : null;
			frames = i % 3 == 0 ? Long.toString(1 + i % 500) : null;
		}

		static void two(StringBuilder b, long v) {
			if (v < 10)
				b.append('0');
			b.append(v);
		}
	}

	/* --- DOM ---------------------------------------------------------------------------------- */

	static Element el(Document doc, Element parent, String name) {
		Element e = doc.createElementNS(HL7, name);
		parent.appendChild(e);
		return e;
	}

	static Element leaf(Document doc, Element parent, String name, String attr, String value) {
		Element e = el(doc, parent, name);
		e.setAttribute(attr, value);
		return e;
	}

	static Element code(Document doc, Element parent, String name, String code, String sys, String sysName,
	                    String display) {
		Element e = el(doc, parent, name);
		e.setAttribute("code", code);
		e.setAttribute("codeSystem", sys);
		e.setAttribute("codeSystemName", sysName);
		e.setAttribute("displayName", display);
		return e;
	}

	static Element relObs(Document doc, Element parent, String cls) {
		Element o = el(doc, leaf(doc, parent, "entryRelationship", "typeCode", "COMP"), "observation");
		o.setAttribute("classCode", cls);
		o.setAttribute("moodCode", "EVN");
		return o;
	}

	static void domSeries(Document doc, Element section, Gen g) {
		Element act = el(doc, el(doc, section, "entry"), "act");
		act.setAttribute("classCode", "ACT");
		act.setAttribute("moodCode", "EVN");
		leaf(doc, act, "templateId", "root", TPL_SERIES_1);
		leaf(doc, act, "templateId", "root", TPL_SERIES_2);
		leaf(doc, act, "id", "root", g.seriesUid);
		Element q = el(doc, code(doc, act, "code", "113015", OID_DCM, "DCM", DISPLAY_SERIES), "qualifier");
		code(doc, q, "name", "121139", OID_DCM, "DCM", DISPLAY_MODALITY);
		code(doc, q, "value", g.kind[0], OID_DCM, "DCM", g.kind[2]);
		if (g.text != null)
			el(doc, act, "text").setTextContent(g.text);
		leaf(doc, act, "effectiveTime", "value", g.ts);
		Element obs = relObs(doc, act, "DGIMG");
		leaf(doc, obs, "templateId", "root", TPL_SOP_1);
		leaf(doc, obs, "templateId", "root", TPL_SOP_2);
		leaf(doc, obs, "id", "root", g.sopUid);
		code(doc, obs, "code", g.kind[1], OID_DCMUID, "DCMUID", g.kind[3]);
		leaf(doc, leaf(doc, obs, "text", "mediaType", "application/dicom"), "reference", "value", g.url);
		leaf(doc, obs, "statusCode", "code", "completed");
		leaf(doc, obs, "effectiveTime", "value", g.ts);
		if (g.frames != null) {
			Element o = relObs(doc, obs, "ROIBND");
			leaf(doc, o, "templateId", "root", TPL_FRAMES);
			code(doc, o, "code", "121190", OID_DCM, "DCM", "Referenced Frames");
			Element b = relObs(doc, o, "OBS");
			leaf(doc, b, "templateId", "root", TPL_BOUNDARY);
			code(doc, b, "code", "113036", OID_DCM, "DCM", "Frames for Display");
			Element v = el(doc, b, "value");
			v.setAttributeNS(XSI, "xsi:type", "IVL_INT");
			leaf(doc, v, "low", "value", "1");
			leaf(doc, v, "high", "value", g.frames);
		}
	}

	static void runDom(long n, OutputStream out) throws Exception {
		DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
		f.setNamespaceAware(true);
		Document doc = f.newDocumentBuilder().newDocument();
		Element section = doc.createElementNS(HL7, "section");
		section.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:xsi", XSI);
		doc.appendChild(section);
		Gen g = new Gen();
		for (long i = 0; i < n; i++) {
			g.make(i);
			domSeries(doc, section, g);
		}
		Transformer t = TransformerFactory.newInstance().newTransformer();
		t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
		t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
		t.setOutputProperty(OutputKeys.INDENT, "yes");
		t.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
		t.transform(new DOMSource(doc), new StreamResult(out));
	}

	/* --- StAX --------------------------------------------------------------------------------- */

	static final class Stax {
		final XMLStreamWriter w;
		int depth;
		static final String[] INDENT = new String[32];
		static {
			String s = "\n";
			for (int i = 0; i < INDENT.length; i++, s += "  ")
				INDENT[i] = s;
		}

		Stax(XMLStreamWriter w) { this.w = w; }

		void nl() throws Exception { w.writeCharacters(INDENT[depth]); }

		void open(String name) throws Exception {
			if (depth > 0)
				nl();
			w.writeStartElement(name);
			depth++;
		}

		void open(String name, String a, String v) throws Exception {
			open(name);
			w.writeAttribute(a, v);
		}

		void open(String name, String a1, String v1, String a2, String v2) throws Exception {
			open(name);
			w.writeAttribute(a1, v1);
			w.writeAttribute(a2, v2);
		}

		void close() throws Exception {
			depth--;
			nl();
			w.writeEndElement();
		}

		void leaf(String name, String a, String v) throws Exception {
			nl();
			w.writeEmptyElement(name);
			w.writeAttribute(a, v);
		}

		void code(String name, String code, String sys, String sysName, String display, boolean empty)
			throws Exception {
			if (empty) {
				nl();
				w.writeEmptyElement(name);
			} else {
				open(name);
			}
			w.writeAttribute("code", code);
			w.writeAttribute("codeSystem", sys);
			w.writeAttribute("codeSystemName", sysName);
			w.writeAttribute("displayName", display);
		}

		void series(Gen g) throws Exception {
			open("entry");
			open("act", "classCode", "ACT", "moodCode", "EVN");
			leaf("templateId", "root", TPL_SERIES_1);
			leaf("templateId", "root", TPL_SERIES_2);
			leaf("id", "root", g.seriesUid);
			code("code", "113015", OID_DCM, "DCM", DISPLAY_SERIES, false);
			open("qualifier");
			code("name", "121139", OID_DCM, "DCM", DISPLAY_MODALITY, true);
			code("value", g.kind[0], OID_DCM, "DCM", g.kind[2], true);
			close();
			close();
			if (g.text != null) {
				nl();
				w.writeStartElement("text");
				w.writeCharacters(g.text);
				w.writeEndElement();
			}
			leaf("effectiveTime", "value", g.ts);
			open("entryRelationship", "typeCode", "COMP");
			open("observation", "classCode", "DGIMG", "moodCode", "EVN");
			leaf("templateId", "root", TPL_SOP_1);
			leaf("templateId", "root", TPL_SOP_2);
			leaf("id", "root", g.sopUid);
			code("code", g.kind[1], OID_DCMUID, "DCMUID", g.kind[3], true);
			open("text", "mediaType", "application/dicom");
			leaf("reference", "value", g.url);
			close();
			leaf("statusCode", "code", "completed");
			leaf("effectiveTime", "value", g.ts);
			if (g.frames != null) {
				open("entryRelationship", "typeCode", "COMP");
				open("observation", "classCode", "ROIBND", "moodCode", "EVN");
				leaf("templateId", "root", TPL_FRAMES);
				code("code", "121190", OID_DCM, "DCM", "Referenced Frames", true);
				open("entryRelationship", "typeCode", "COMP");
				open("observation", "classCode", "OBS", "moodCode", "EVN");
				leaf("templateId", "root", TPL_BOUNDARY);
				code("code", "113036", OID_DCM, "DCM", "Frames for Display", true);
				open("value", "xsi:type", "IVL_INT");
				leaf("low", "value", "1");
				leaf("high", "value", g.frames);
				for (int k = 0; k < 5; k++)
					close();
			}
			close();
			close();
			close();
			close();
		}
	}

	static void runStax(long n, OutputStream out) throws Exception {
		XMLStreamWriter w = XMLOutputFactory.newInstance().createXMLStreamWriter(out, "UTF-8");
		Stax s = new Stax(w);
		s.open("section", "xmlns", HL7, "xmlns:xsi", XSI);
		Gen g = new Gen();
		for (long i = 0; i < n; i++) {
			g.make(i);
			s.series(g);
		}
		s.close();
		w.flush();
		w.close();
	}

	/* --- main --------------------------------------------------------------------------------- */

	static final class Counting extends OutputStream {
		final OutputStream o;
		long bytes;

		Counting(OutputStream o) { this.o = o; }

		@Override public void write(int b) throws IOException {
			bytes++;
			o.write(b);
		}

		@Override public void write(byte[] b, int off, int len) throws IOException {
			bytes += len;
			o.write(b, off, len);
		}

		@Override public void flush() throws IOException { o.flush(); }

		@Override public void close() throws IOException { o.close(); }
	}

	static long cpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	static long peakRssKb() {
		try {
			for (String l : Files.readAllLines(Path.of("/proc/self/status")))
				if (l.startsWith("VmHWM:"))
					return Long.parseLong(l.replaceAll("[^0-9]", ""));
		} catch (IOException e) {
			// not Linux
		}
		return -1;
	}

	static void run(String mode, String label, long n, String path, OutputStream sink) throws Exception {
		System.gc();
		long w0 = System.nanoTime(), c0 = cpuNanos();
		Counting out = new Counting(new BufferedOutputStream(sink, 1 << 16));
		if (mode.equals("dom"))
			runDom(n, out);
		else
			runStax(n, out);
		out.flush();
		double wall = (System.nanoTime() - w0) / 1e9, cpu = (cpuNanos() - c0) / 1e9;
		System.out.printf("  %-8s %7d series  wall %.3f s  cpu %.3f s  %.0f series/s  %.0f series/cpu-s  %d bytes"
		                  + "  peak RSS %d KB%n",
		                  label, n, wall, cpu, n / wall, n / cpu, out.bytes, peakRssKb());
	}

	public static void main(String[] args) throws Exception {
		long n = -1;
		String path = "/dev/null", mode = "stax";
		for (int i = 0; i < args.length; i++) {
			if (args[i].equals("--out") && i + 1 < args.length)
				path = args[++i];
			else if (args[i].equals("--mode") && i + 1 < args.length)
				mode = args[++i];
			else if (n < 0 && args[i].matches("[0-9]+"))
				n = Long.parseLong(args[i]);
			else
				n = -2;
		}
		if (n < 0 || !(mode.equals("dom") || mode.equals("stax"))) {
			System.err.println("usage: java bench/RefJava.java N [--out PATH] [--mode dom|stax]");
			System.exit(2);
		}
		System.out.printf("RefJava: mode %s, %d series, output %s, Java %s%n", mode, n, path,
		                  System.getProperty("java.version"));
		run(mode, "warm-up", Math.min(n, 20000), "(null)", OutputStream.nullOutputStream());
		try (FileOutputStream f = new FileOutputStream(path)) {
			run(mode, "measured", n, path, f);
		}
	}
}
