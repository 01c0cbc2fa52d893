/* SPDX-License-Identifier: MIT */
/*
 * dicomfile.cc - libcdaimg-dicom: DICOM Part 10 files, DICOMDIRs and folders
 * read with DCMTK's dcmdata into a cdaimg_dicom_set (dicomfile.h). C++
 * inside, a C interface outside; it uses libcdaimg's public API only, and
 * hands the library the same attributes the DICOM JSON reader does.
 */
#include "dcmtk/config/osconfig.h"

#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcdict.h"
#include "dcmtk/dcmdata/dcfilefo.h"
#include "dcmtk/dcmdata/dcmetinf.h"
#include "dcmtk/dcmdata/dcdatset.h"
#include "dcmtk/dcmdata/dcsequen.h"
#include "dcmtk/dcmdata/dcuid.h"
#include "dcmtk/oflog/oflog.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include <cdaimg/dicomfile.h>

namespace {

struct reader {
	cdaimg_dicom_set *set = nullptr;
	cdaimg_diags *diags = nullptr;
	size_t errors = 0;
	bool nomem = false;
};

void say(reader &r, cdaimg_severity sev, cdaimg_diag_code code, const std::string &path, const std::string &msg)
{
	/* messages quote file contents: keep them to printable ASCII */
	std::string clean;
	for (unsigned char ch : msg)
		clean += ch >= 0x20 && ch < 0x7F ? static_cast<char>(ch) : '?';
	if (sev == CDAIMG_SEV_ERROR)
		r.errors++;
	if (cdaimg_diags_add(r.diags, sev, code, path.c_str(), 0, nullptr, clean.c_str()) == CDAIMG_ENOMEM)
		r.nomem = true;
}

/* DCMTK reports through its loggers on standard error: a library keeps quiet
 * (its problems are our diagnostics). Once per process. */
void quiet_dcmtk()
{
	static std::once_flag once;
	std::call_once(once, [] { OFLog::getLogger("dcmtk").setLogLevel(OFLogger::OFF_LOG_LEVEL); });
}

/* "DICM" at byte 128: a Part 10 file. */
bool has_preamble(const std::string &path)
{
	FILE *f = std::fopen(path.c_str(), "rb");
	if (!f)
		return false;
	char b[132];
	bool yes = std::fread(b, 1, sizeof b, f) == sizeof b && !std::memcmp(b + 128, "DICM", 4);
	std::fclose(f);
	return yes;
}

std::string value(DcmItem *item, const DcmTagKey &tag)
{
	OFString v;
	if (item && item->findAndGetOFString(tag, v, 0).good())
		return std::string(v.c_str(), v.length());
	return std::string();
}

/* The attributes the mapping reads (dicom.h), as the DICOM JSON reader gives them. */
cdaimg_status add_dataset(reader &r, DcmDataset *ds, const std::string &path)
{
	static const struct {
		DcmTagKey tag;
		size_t offset;
	} tags[] = {
		{DCM_StudyInstanceUID, offsetof(cdaimg_dicom_instance, study_uid)},
		{DCM_SeriesInstanceUID, offsetof(cdaimg_dicom_instance, series_uid)},
		{DCM_SOPClassUID, offsetof(cdaimg_dicom_instance, sop_class)},
		{DCM_SOPInstanceUID, offsetof(cdaimg_dicom_instance, sop_uid)},
		{DCM_Modality, offsetof(cdaimg_dicom_instance, modality)},
		{DCM_SeriesDescription, offsetof(cdaimg_dicom_instance, series_description)},
		{DCM_StudyDescription, offsetof(cdaimg_dicom_instance, study_description)},
		{DCM_StudyDate, offsetof(cdaimg_dicom_instance, study_date)},
		{DCM_StudyTime, offsetof(cdaimg_dicom_instance, study_time)},
		{DCM_SeriesDate, offsetof(cdaimg_dicom_instance, series_date)},
		{DCM_SeriesTime, offsetof(cdaimg_dicom_instance, series_time)},
		{DCM_TimezoneOffsetFromUTC, offsetof(cdaimg_dicom_instance, timezone_offset)},
		{DCM_InstanceNumber, offsetof(cdaimg_dicom_instance, instance_number)},
		{DCM_NumberOfFrames, offsetof(cdaimg_dicom_instance, frames)},
		{DCM_AccessionNumber, offsetof(cdaimg_dicom_instance, accession)},
	};
	const size_t n = sizeof tags / sizeof tags[0];
	std::string values[n + 2];
	cdaimg_dicom_instance in = {};
	in.source = path.c_str();
	for (size_t i = 0; i < n; i++) {
		values[i] = value(ds, tags[i].tag);
		*reinterpret_cast<const char **>(reinterpret_cast<char *>(&in) + tags[i].offset) =
			values[i].empty() ? nullptr : values[i].c_str();
	}
	DcmItem *issuer = nullptr;
	if (ds->findAndGetSequenceItem(DCM_IssuerOfAccessionNumberSequence, issuer, 0).good() && issuer) {
		values[n] = value(issuer, DCM_UniversalEntityID);
		values[n + 1] = value(issuer, DCM_UniversalEntityIDType);
		in.accession_issuer = values[n].empty() ? nullptr : values[n].c_str();
		in.accession_issuer_type = values[n + 1].empty() ? nullptr : values[n + 1].c_str();
	}
	cdaimg_status st = cdaimg_dicom_set_add(r.set, &in, r.diags);
	if (st == CDAIMG_ENOMEM)
		r.nomem = true;
	return st;
}

cdaimg_status read_dicomdir(reader &r, DcmDataset *ds, const std::string &path);

/* One file. @p named: given by name (not DICOM is an error, not a warning). */
cdaimg_status read_file(reader &r, const std::string &path, bool named)
{
	DcmFileFormat ff;
	/* the header only: stop before the pixel data; values above 4 KB stay in the file */
	OFCondition cond = ff.loadFileUntilTag(path.c_str(), EXS_Unknown, EGL_noChange, 4096, ERM_autoDetect,
	                                       DCM_PixelData);
	DcmDataset *ds = ff.getDataset();
	bool part10 = has_preamble(path);
	/* a file without the Part 10 header is DICOM when it reads as a dataset naming its SOP instance */
	if (cond.good() && !part10 && (value(ds, DCM_SOPInstanceUID).empty() || value(ds, DCM_SOPClassUID).empty()))
		cond = EC_InvalidStream;
	if (cond.bad()) {
		std::string why = !part10 ? "not a DICOM file (no Part 10 header, and not a dataset naming its SOP instance)"
		                          : std::string("not read as DICOM: ") + cond.text();
		say(r, named ? CDAIMG_SEV_ERROR : CDAIMG_SEV_WARNING, CDAIMG_D_EXTRACT, path,
		    named ? why : why + "; skipped");
		return named ? CDAIMG_EINVALID : CDAIMG_OK;
	}
	OFString sop_class;
	ff.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPClassUID, sop_class);
	if (sop_class == UID_MediaStorageDirectoryStorage)
		return named ? read_dicomdir(r, ds, path) : CDAIMG_OK; /* in a folder: its files are read anyway */
	OFString charset;
	ds->findAndGetOFStringArray(DCM_SpecificCharacterSet, charset);
	cond = ds->convertToUTF8();
	if (cond.bad()) /* the values go on as they are: non-ASCII text is then refused by its tag */
		say(r, CDAIMG_SEV_WARNING, CDAIMG_D_TEXT, path,
		    std::string("0008,0005 SpecificCharacterSet \"") + charset.c_str() +
		        "\": the text cannot be converted to UTF-8 (" + cond.text() + "); the values are read as they are");
	return add_dataset(r, ds, path);
}

/* The files a DICOMDIR's records name (0004,1500 ReferencedFileID), next to it. */
cdaimg_status read_dicomdir(reader &r, DcmDataset *ds, const std::string &path)
{
	std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/'));
	DcmSequenceOfItems *records = nullptr;
	cdaimg_status st = CDAIMG_OK;
	if (ds->findAndGetSequence(DCM_DirectoryRecordSequence, records).bad() || !records) {
		say(r, CDAIMG_SEV_ERROR, CDAIMG_D_EXTRACT, path, "a DICOMDIR without 0004,1220 DirectoryRecordSequence");
		return CDAIMG_EINVALID;
	}
	for (unsigned long i = 0; i < records->card() && !r.nomem; i++) {
		OFString id;
		if (records->getItem(i)->findAndGetOFStringArray(DCM_ReferencedFileID, id).bad() || id.empty())
			continue;
		std::string file = dir;
		for (char ch : std::string(id.c_str()))
			file += ch == '\\' ? '/' : ch;
		file.insert(dir.size(), "/");
		cdaimg_status s = read_file(r, file, true);
		if (s != CDAIMG_OK && st == CDAIMG_OK)
			st = s;
	}
	return st;
}

cdaimg_status read_path(reader &r, const std::string &path, bool named, int depth);

cdaimg_status read_folder(reader &r, const std::string &path, int depth)
{
	DIR *d = opendir(path.c_str());
	if (!d) {
		say(r, CDAIMG_SEV_ERROR, CDAIMG_D_IO, path, std::string("cannot read the folder: ") + std::strerror(errno));
		return CDAIMG_EIO;
	}
	std::vector<std::string> names;
	while (struct dirent *e = readdir(d))
		if (e->d_name[0] != '.')
			names.push_back(e->d_name);
	closedir(d);
	std::sort(names.begin(), names.end());
	cdaimg_status st = CDAIMG_OK;
	for (const std::string &name : names) {
		if (r.nomem)
			return CDAIMG_ENOMEM;
		if (name == "DICOMDIR")
			continue; /* it names files of this folder, read anyway */
		cdaimg_status s = read_path(r, path + (path.back() == '/' ? "" : "/") + name, false, depth + 1);
		if (s != CDAIMG_OK && st == CDAIMG_OK)
			st = s;
	}
	return st;
}

cdaimg_status read_path(reader &r, const std::string &path, bool named, int depth)
{
	struct stat sb;
	if ((named ? stat(path.c_str(), &sb) : lstat(path.c_str(), &sb)) != 0) {
		say(r, CDAIMG_SEV_ERROR, CDAIMG_D_IO, path, std::string("cannot read: ") + std::strerror(errno));
		return CDAIMG_EIO;
	}
	if (S_ISDIR(sb.st_mode)) {
		if (depth > 64) {
			say(r, CDAIMG_SEV_WARNING, CDAIMG_D_IO, path, "folders nested too deep; skipped");
			return CDAIMG_OK;
		}
		return read_folder(r, path, depth);
	}
	if (S_ISLNK(sb.st_mode)) { /* a link met in a folder: a file it names is read, a folder is not */
		if (stat(path.c_str(), &sb) != 0 || !S_ISREG(sb.st_mode))
			return CDAIMG_OK;
	}
	if (!S_ISREG(sb.st_mode)) {
		if (named)
			say(r, CDAIMG_SEV_ERROR, CDAIMG_D_IO, path, "not a file or a folder");
		return named ? CDAIMG_EIO : CDAIMG_OK;
	}
	return read_file(r, path, named);
}

} // namespace

extern "C" cdaimg_status cdaimg_dicom_set_add_file(cdaimg_dicom_set *set, const char *path, cdaimg_diags *diags)
{
	if (!set || !path) {
		cdaimg_diags_add(diags, CDAIMG_SEV_ERROR, CDAIMG_D_ARG, "", 0, nullptr,
		                 !set ? "invalid argument: 'set'" : "invalid argument: 'path'");
		return CDAIMG_EARG;
	}
	quiet_dcmtk();
	reader r;
	r.set = set;
	r.diags = diags;
	if (!dcmDataDict.isDictionaryLoaded()) {
		say(r, CDAIMG_SEV_ERROR, CDAIMG_D_INTERNAL, path,
		    "DCMTK's data dictionary is not loaded (see DCMDICTPATH): the tags cannot be read");
		return CDAIMG_EINTERNAL;
	}
	cdaimg_status st;
	try {
		st = read_path(r, path, true, 0);
	} catch (const std::bad_alloc &) {
		r.nomem = true;
		st = CDAIMG_ENOMEM;
	}
	if (r.nomem) {
		cdaimg_diags_add(diags, CDAIMG_SEV_ERROR, CDAIMG_D_NOMEM, "", 0, nullptr, "out of memory");
		return CDAIMG_ENOMEM;
	}
	return st;
}

extern "C" const char *cdaimg_dicom_dcmtk_version(void) { return OFFIS_DCMTK_VERSION_STRING; }
