"""Pools of Vietnamese administrative wording the templates draw from.

Everything here is fictitious but written the way one-stop centres and People's Committees
write: legal bases, decision articles, official-letter requests, notices, procedures with
their dossier papers and fees, company names. Placeholders in braces are filled by
:mod:`samples.content`. Procedure codes follow the national format but are illustrative.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    field: str
    days: int
    fee: int
    fee_name: str
    papers: tuple[str, ...]
    level: str  # "tinh", "huyen", "xa"
    handler: str  # the unit that actually decides the dossier


PROCEDURES: tuple[Procedure, ...] = (
    Procedure("2.000488", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài "
              "đang cư trú tại Việt Nam", "Lý lịch tư pháp", 10, 200_000,
              "Phí cung cấp thông tin lý lịch tư pháp", (
                  "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
                  "Bản chụp Căn cước công dân của người yêu cầu",
                  "Bản chụp giấy tờ chứng minh nơi thường trú"), "tinh",
              "Phòng Hành chính tư pháp, Sở Tư pháp"),
    Procedure("1.001193", "Đăng ký khai sinh", "Hộ tịch", 1, 0, "Lệ phí hộ tịch", (
        "Tờ khai đăng ký khai sinh", "Giấy chứng sinh",
        "Căn cước công dân của người đi đăng ký khai sinh"), "xa", "Công chức Tư pháp - Hộ tịch"),
    Procedure("2.000635", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", 1, 8_000,
              "Phí cấp bản sao trích lục hộ tịch", (
                  "Tờ khai cấp bản sao trích lục hộ tịch",
                  "Căn cước công dân của người yêu cầu"), "xa", "Công chức Tư pháp - Hộ tịch"),
    Procedure("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có "
              "thẩm quyền của Việt Nam cấp hoặc chứng nhận", "Chứng thực", 1, 10_000,
              "Phí chứng thực bản sao từ bản chính", (
                  "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao",
                  "Bản sao cần chứng thực"), "xa", "Công chức Tư pháp - Hộ tịch"),
    Procedure("1.001612", "Đăng ký thành lập hộ kinh doanh",
              "Thành lập và hoạt động của hộ kinh doanh", 3, 100_000,
              "Lệ phí đăng ký hộ kinh doanh", (
                  "Giấy đề nghị đăng ký hộ kinh doanh",
                  "Bản sao giấy tờ pháp lý của cá nhân đối với chủ hộ kinh doanh",
                  "Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh"),
              "huyen", "Phòng Tài chính - Kế hoạch"),
    Procedure("2.002042", "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
              "Thành lập và hoạt động doanh nghiệp", 3, 50_000,
              "Lệ phí đăng ký doanh nghiệp", (
                  "Giấy đề nghị đăng ký doanh nghiệp", "Điều lệ công ty",
                  "Bản sao giấy tờ pháp lý của cá nhân đối với chủ sở hữu công ty"), "tinh",
              "Phòng Đăng ký kinh doanh, Sở Kế hoạch và Đầu tư"),
    Procedure("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", 3, 15_000,
              "Lệ phí cấp Giấy xác nhận tình trạng hôn nhân", (
                  "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân",
                  "Bản chụp Căn cước công dân của người yêu cầu"), "xa",
              "Công chức Tư pháp - Hộ tịch"),
    Procedure("1.004194", "Đăng ký thường trú", "Đăng ký, quản lý cư trú", 7, 20_000,
              "Lệ phí đăng ký cư trú", (
                  "Tờ khai thay đổi thông tin cư trú",
                  "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp"), "xa", "Công an cấp xã"),
    Procedure("1.009974", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
              "Hoạt động xây dựng", 15, 75_000, "Lệ phí cấp giấy phép xây dựng", (
                  "Đơn đề nghị cấp giấy phép xây dựng",
                  "Bản sao giấy tờ chứng minh quyền sử dụng đất",
                  "Hai bộ bản vẽ thiết kế xây dựng"), "huyen", "Phòng Kinh tế và Hạ tầng"),
    Procedure("1.003003", "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và "
              "tài sản khác gắn liền với đất", "Đất đai", 7, 50_000,
              "Lệ phí cấp Giấy chứng nhận quyền sử dụng đất", (
                  "Đơn đề nghị cấp đổi Giấy chứng nhận",
                  "Bản gốc Giấy chứng nhận đã cấp",
                  "Bản sao Căn cước công dân của người sử dụng đất"), "huyen",
              "Văn phòng Đăng ký đất đai"),
)

LEGAL_BASES = {
    "local_gov": "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật "
    "sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa "
    "phương ngày 22 tháng 11 năm 2019;",
    "one_stop": "Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ về "
    "thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính;",
    "one_stop_2021": "Căn cứ Nghị định số 107/2021/NĐ-CP ngày 06 tháng 12 năm 2021 của Chính "
    "phủ sửa đổi, bổ sung một số điều của Nghị định số 61/2018/NĐ-CP;",
    "e_procedures": "Căn cứ Nghị định số 45/2020/NĐ-CP ngày 08 tháng 4 năm 2020 của Chính phủ "
    "về thực hiện thủ tục hành chính trên môi trường điện tử;",
    "records": "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về "
    "công tác văn thư;",
    "control": "Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08 tháng 6 năm 2010 của Chính phủ về "
    "kiểm soát thủ tục hành chính;",
    "emulation": "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
    "civil_status": "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014;",
    "circular_2018": "Căn cứ Thông tư số 01/2018/TT-VPCP ngày 23 tháng 11 năm 2018 của Văn "
    "phòng Chính phủ hướng dẫn thi hành một số quy định của Nghị định số 61/2018/NĐ-CP;",
}

# Who proposes a decision, and the abbreviation of their "Tờ trình"; by level of the issuer.
PROPOSERS_PROVINCE = (
    ("{office}", None),
    ("Giám đốc Sở Nội vụ", "TTr-SNV"),
    ("Giám đốc Sở Tư pháp", "TTr-STP"),
)
PROPOSERS_DISTRICT = (
    ("{office}", None),
    ("Trưởng phòng Nội vụ", "TTr-PNV"),
    ("Trưởng phòng Tư pháp", "TTr-PTP"),
)

UNITS = (
    "Phòng Kiểm soát thủ tục hành chính, Văn phòng Ủy ban nhân dân tỉnh",
    "Trung tâm Phục vụ hành chính công tỉnh",
    "Phòng Hành chính tư pháp, Sở Tư pháp",
    "Phòng Đăng ký kinh doanh, Sở Kế hoạch và Đầu tư",
    "Phòng Cải cách hành chính, Sở Nội vụ",
    "Phòng Tư pháp",
    "Bộ phận Một cửa Ủy ban nhân dân cấp huyện",
)
POSITIONS = (
    "Phó Chánh Văn phòng Ủy ban nhân dân tỉnh",
    "Trưởng phòng Kiểm soát thủ tục hành chính, Văn phòng Ủy ban nhân dân tỉnh",
    "Chuyên viên Phòng Kiểm soát thủ tục hành chính, Văn phòng Ủy ban nhân dân tỉnh",
    "Phó Giám đốc Trung tâm Phục vụ hành chính công tỉnh",
    "Chuyên viên Trung tâm Phục vụ hành chính công tỉnh",
    "Trưởng phòng Hành chính tư pháp, Sở Tư pháp",
    "Chuyên viên chính Phòng Hành chính tư pháp, Sở Tư pháp",
    "Phó Trưởng phòng Đăng ký kinh doanh, Sở Kế hoạch và Đầu tư",
    "Chuyên viên Phòng Cải cách hành chính, Sở Nội vụ",
    "Phó Trưởng phòng Công nghệ thông tin, Sở Thông tin và Truyền thông",
    "Trưởng phòng Tư pháp",
    "Công chức Tư pháp - Hộ tịch",
)
ETHNICITIES = ("Kinh", "Kinh", "Kinh", "Kinh", "Tày", "Nùng", "Dao", "Mường", "Thái")

# Quyết định subjects: (trích yếu, legal bases, article texts, annex kind). Placeholders:
# {pl} territory, {short} issuer, {office}/{office_unit} its office, {centre} one-stop desk,
# {award} Bằng/Giấy khen, {justice} justice department, {n} {a} {b} counts.
QD_SUBJECTS: tuple[tuple[str, tuple[str, ...], tuple[str, str], str], ...] = (
    (
        "Về việc công bố Danh mục thủ tục hành chính được tiếp nhận và trả kết quả tại "
        "{centre}",
        ("local_gov", "one_stop", "one_stop_2021"),
        (
            "Công bố kèm theo Quyết định này Danh mục {n} thủ tục hành chính được tiếp nhận "
            "và trả kết quả tại {centre} (có Danh mục kèm theo).",
            "{office_unit} có trách nhiệm cập nhật Danh mục thủ tục hành chính lên Hệ thống "
            "thông tin giải quyết thủ tục hành chính và niêm yết công khai tại nơi tiếp nhận "
            "hồ sơ.",
        ),
        "procedures",
    ),
    (
        "Về việc tặng {award} cho các tập thể, cá nhân có thành tích xuất sắc trong công "
        "tác cải cách hành chính năm {prev}",
        ("local_gov", "emulation"),
        (
            "Tặng {award} của Chủ tịch {short} cho {a} tập thể và {b} cá nhân đã có thành "
            "tích xuất sắc trong công tác cải cách hành chính năm {prev} (có danh sách kèm theo).",
            "Mỗi tập thể được thưởng {m1} đồng, mỗi cá nhân được thưởng {m2} đồng từ nguồn "
            "kinh phí thi đua, khen thưởng theo quy định hiện hành.",
        ),
        "award",
    ),
    (
        "Về việc phê duyệt quy trình nội bộ giải quyết thủ tục hành chính lĩnh vực hộ tịch "
        "thuộc thẩm quyền giải quyết của Ủy ban nhân dân cấp xã",
        ("local_gov", "civil_status", "one_stop", "control"),
        (
            "Phê duyệt kèm theo Quyết định này {n} quy trình nội bộ giải quyết thủ tục hành "
            "chính lĩnh vực hộ tịch thuộc thẩm quyền giải quyết của Ủy ban nhân dân cấp xã "
            "trên địa bàn {pl}.",
            "Giao {justice} chủ trì, phối hợp với {office_unit} xây dựng quy trình điện tử "
            "trên Hệ thống thông tin giải quyết thủ tục hành chính trong thời hạn 05 ngày làm "
            "việc kể từ ngày Quyết định này có hiệu lực.",
        ),
        "procedures",
    ),
    (
        "Về việc thành lập Tổ công tác rà soát, đơn giản hóa thủ tục hành chính năm {year}",
        ("local_gov", "control", "one_stop"),
        (
            "Thành lập Tổ công tác rà soát, đơn giản hóa thủ tục hành chính năm {year}, gồm "
            "các thành viên có tên trong danh sách kèm theo Quyết định này.",
            "Tổ công tác có nhiệm vụ rà soát các quy định, thủ tục hành chính còn chồng chéo, "
            "không cần thiết; đề xuất phương án cắt giảm thành phần hồ sơ, thời gian giải "
            "quyết và báo cáo kết quả trước ngày 15 tháng 12 năm {year}. Tổ công tác tự giải "
            "thể sau khi hoàn thành nhiệm vụ.",
        ),
        "team",
    ),
    (
        "Về việc ban hành Quy chế số hóa hồ sơ, kết quả giải quyết thủ tục hành chính trên "
        "địa bàn {pl}",
        ("local_gov", "e_procedures", "one_stop_2021", "records"),
        (
            "Ban hành kèm theo Quyết định này Quy chế số hóa hồ sơ, kết quả giải quyết thủ "
            "tục hành chính trên địa bàn {pl}.",
            "Quyết định này có hiệu lực thi hành kể từ ngày ký và thay thế Quyết định số "
            "{old} ngày {old_date} của {short}.",
        ),
        "regulation",
    ),
)

QD_EXECUTION = (
    "{office}, {heads} và {lower} chịu trách nhiệm thi hành Quyết định này./.",
    "{office}, Thủ trưởng các cơ quan, đơn vị có liên quan và các tập thể, cá nhân có tên tại "
    "Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
    "Quyết định này có hiệu lực kể từ ngày ký. {office}, Thủ trưởng các cơ quan, đơn vị và cá "
    "nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.",
)

REGULATION_ARTICLES = (
    ("Phạm vi điều chỉnh", "Quy chế này quy định việc số hóa hồ sơ, kết quả giải quyết thủ "
     "tục hành chính; việc khai thác, sử dụng lại thông tin, dữ liệu đã được số hóa trong giải "
     "quyết thủ tục hành chính trên địa bàn {pl}."),
    ("Đối tượng áp dụng", "Quy chế này áp dụng đối với các cơ quan, đơn vị có thẩm quyền giải "
     "quyết thủ tục hành chính, cán bộ, công chức, viên chức làm việc tại Bộ phận Một cửa các "
     "cấp và tổ chức, cá nhân có liên quan."),
    ("Nguyên tắc số hóa", "Việc số hóa phải bảo đảm tính chính xác, toàn vẹn của thông tin; "
     "bản điện tử được ký số bởi cơ quan, đơn vị thực hiện số hóa và có giá trị sử dụng như "
     "bản giấy theo quy định của pháp luật."),
    ("Trách nhiệm của cán bộ tiếp nhận", "Cán bộ tiếp nhận có trách nhiệm kiểm tra, đối chiếu "
     "thành phần hồ sơ, thực hiện số hóa ngay tại thời điểm tiếp nhận và cập nhật kết quả số "
     "hóa vào kho quản lý dữ liệu điện tử của tổ chức, cá nhân."),
    ("Lưu trữ hồ sơ điện tử", "Hồ sơ, kết quả giải quyết thủ tục hành chính đã được số hóa "
     "được lưu trữ trên Hệ thống thông tin giải quyết thủ tục hành chính; thời hạn lưu trữ "
     "thực hiện theo quy định của pháp luật về lưu trữ."),
)

# Công văn subjects: (V/v line, intro, numbered items, closing, plausible issuers)
CV_SUBJECTS: tuple[tuple[str, str, tuple[str, ...], str, tuple[str, ...]], ...] = (
    (
        "V/v đẩy mạnh số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        "Thực hiện Nghị định số 107/2021/NĐ-CP ngày 06 tháng 12 năm 2021 của Chính phủ, để "
        "nâng cao tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính, {short} đề nghị "
        "các cơ quan, đơn vị thực hiện một số nội dung sau:",
        (
            "Thực hiện số hóa toàn bộ hồ sơ, kết quả giải quyết thủ tục hành chính tại thời "
            "điểm tiếp nhận; không yêu cầu tổ chức, cá nhân nộp lại giấy tờ đã được số hóa.",
            "Phân công cán bộ, công chức theo dõi, cập nhật trạng thái hồ sơ trên Hệ thống "
            "thông tin giải quyết thủ tục hành chính, bảo đảm hồ sơ được xử lý đúng quy trình "
            "và đúng thời hạn.",
            "Định kỳ hằng tháng, báo cáo kết quả số hóa về {short} trước ngày 20 để tổng hợp.",
        ),
        "standard",
        ("ubnd", "ict", "district"),
    ),
    (
        "V/v triển khai thanh toán trực tuyến phí, lệ phí giải quyết thủ tục hành chính",
        "Nhằm tạo thuận lợi cho tổ chức, cá nhân khi thực hiện thủ tục hành chính, {short} đề "
        "nghị các cơ quan, đơn vị triển khai thanh toán trực tuyến phí, lệ phí như sau:",
        (
            "Niêm yết công khai tài khoản thu phí, lệ phí và hướng dẫn thanh toán trực tuyến "
            "tại Bộ phận Một cửa.",
            "Hướng dẫn tổ chức, cá nhân sử dụng chức năng thanh toán trực tuyến trên Cổng Dịch "
            "vụ công quốc gia khi nộp hồ sơ.",
            "Phối hợp với ngân hàng thương mại trên địa bàn để đối soát, hoàn trả kịp thời các "
            "khoản thu bị lỗi.",
        ),
        "standard",
        ("ubnd", "ict", "district"),
    ),
    (
        "V/v báo cáo tình hình, kết quả giải quyết thủ tục hành chính quý {quarter} năm {year}",
        "Để có cơ sở tổng hợp, báo cáo Văn phòng Chính phủ theo quy định, {short} đề nghị các "
        "cơ quan, đơn vị báo cáo tình hình, kết quả giải quyết thủ tục hành chính quý "
        "{quarter} năm {year}, cụ thể như sau:",
        (
            "Số hồ sơ tiếp nhận, số hồ sơ đã giải quyết đúng hạn, quá hạn và nguyên nhân quá "
            "hạn.",
            "Số hồ sơ tiếp nhận trực tuyến toàn trình, trực tuyến một phần; tỷ lệ hồ sơ được "
            "số hóa.",
            "Những khó khăn, vướng mắc và đề xuất, kiến nghị.",
        ),
        "report",
        ("ubnd", "home"),
    ),
    (
        "V/v hướng dẫn thực hiện liên thông thủ tục hành chính đăng ký khai sinh, đăng ký "
        "thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
        "Thực hiện Kế hoạch số {plan} của Ủy ban nhân dân {pl_short} về triển khai các nhóm "
        "thủ tục hành chính liên thông, {short} hướng dẫn như sau:",
        (
            "Ủy ban nhân dân cấp xã tiếp nhận hồ sơ liên thông qua Cổng Dịch vụ công quốc gia "
            "hoặc trực tiếp tại Bộ phận Một cửa.",
            "Công chức Tư pháp - Hộ tịch kiểm tra, giải quyết việc đăng ký khai sinh và chuyển "
            "thông tin cho cơ quan đăng ký cư trú, cơ quan bảo hiểm xã hội trong ngày làm việc.",
            "Kết quả giải quyết được trả cho người dân qua dịch vụ bưu chính công ích hoặc trực "
            "tiếp tại Bộ phận Một cửa theo nhu cầu.",
        ),
        "standard",
        ("justice", "district"),
    ),
    (
        "V/v góp ý dự thảo Quyết định công bố danh mục thủ tục hành chính",
        "Thực hiện nhiệm vụ được giao, {short} đã xây dựng dự thảo Quyết định công bố danh "
        "mục thủ tục hành chính mới ban hành, được sửa đổi, bổ sung trong lĩnh vực {field}. Để "
        "hoàn thiện dự thảo, {short} đề nghị các cơ quan, đơn vị nghiên cứu, góp ý các nội "
        "dung sau:",
        (
            "Sự phù hợp của tên, trình tự, cách thức thực hiện thủ tục hành chính với văn bản "
            "quy phạm pháp luật hiện hành.",
            "Thành phần hồ sơ, thời hạn giải quyết, phí, lệ phí và yêu cầu, điều kiện thực "
            "hiện thủ tục hành chính.",
        ),
        "comment",
        ("justice", "planning"),
    ),
)

CV_CLOSINGS = {
    "standard": "Đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện; trong quá trình "
    "triển khai nếu có khó khăn, vướng mắc, kịp thời phản ánh về {short} để được hướng dẫn./.",
    "report": "Báo cáo gửi về {short} trước ngày {deadline} (đồng thời gửi bản điện tử qua địa "
    "chỉ thư điện tử {email}) để tổng hợp./.",
    "comment": "Văn bản góp ý xin gửi về {short} trước ngày {deadline}. Quá thời hạn trên, nếu "
    "không nhận được văn bản góp ý, {short} xem như cơ quan, đơn vị thống nhất với nội dung "
    "dự thảo./.",
}

CV_RECIPIENTS = (
    ("Các sở, ban, ngành {pl_short};", "Ủy ban nhân dân các huyện, thành phố."),
    ("Các phòng, ban chuyên môn;", "Ủy ban nhân dân các xã, phường, thị trấn."),
    ("Trung tâm Phục vụ hành chính công {pl_short};", "Bộ phận Một cửa các cấp."),
)

# Thông báo subjects: (trích yếu, paragraphs)
TB_SUBJECTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Về việc tạm ngừng tiếp nhận hồ sơ trực tuyến để nâng cấp hệ thống",
        (
            "Để nâng cấp Hệ thống thông tin giải quyết thủ tục hành chính, {short} thông báo "
            "tạm ngừng tiếp nhận hồ sơ trực tuyến từ 17 giờ 00 phút ngày {d1} đến 07 giờ 30 "
            "phút ngày {d2}.",
            "Trong thời gian trên, tổ chức, cá nhân có nhu cầu giải quyết thủ tục hành chính "
            "vui lòng nộp hồ sơ trực tiếp tại Bộ phận Một cửa hoặc qua dịch vụ bưu chính công "
            "ích.",
            "Mọi thắc mắc xin liên hệ số điện thoại {phone} để được hỗ trợ.",
            "{short} trân trọng thông báo và mong nhận được sự thông cảm của tổ chức, cá "
            "nhân./.",
        ),
    ),
    (
        "Về việc thay đổi địa điểm tiếp nhận và trả kết quả giải quyết thủ tục hành chính",
        (
            "Kể từ ngày {d1}, Bộ phận tiếp nhận và trả kết quả giải quyết thủ tục hành chính "
            "chuyển về làm việc tại {address}.",
            "Thời gian tiếp nhận hồ sơ: buổi sáng từ 07 giờ 30 phút đến 11 giờ 30 phút; buổi "
            "chiều từ 13 giờ 30 phút đến 17 giờ 00 phút, từ thứ Hai đến thứ Sáu hằng tuần (trừ "
            "ngày lễ, Tết).",
            "Số điện thoại hỗ trợ: {phone}. Địa chỉ thư điện tử: {email}.",
            "{short} trân trọng thông báo để tổ chức, cá nhân biết, liên hệ giải quyết công "
            "việc./.",
        ),
    ),
    (
        "Về lịch tiếp công dân định kỳ tháng {month} năm {year}",
        (
            "Chủ tịch {short} tiếp công dân định kỳ vào ngày {d1} tại Trụ sở tiếp công dân, "
            "địa chỉ: {address}.",
            "Công dân đến trình bày khiếu nại, tố cáo, kiến nghị, phản ánh phải xuất trình "
            "giấy tờ tùy thân và chấp hành nghiêm nội quy nơi tiếp công dân.",
            "Trường hợp nhiều người cùng khiếu nại, tố cáo về một nội dung thì cử đại diện "
            "không quá 05 người để trình bày.",
            "{short} thông báo để công dân biết, thực hiện./.",
        ),
    ),
    (
        "Kết luận của Chủ tịch {short} tại cuộc họp về công tác cải cách thủ tục hành chính",
        (
            "Ngày {d1}, Chủ tịch {short} chủ trì cuộc họp về công tác cải cách thủ tục hành "
            "chính. Sau khi nghe báo cáo và ý kiến của các đại biểu, Chủ tịch {short} kết luận "
            "như sau:",
            "1. Đánh giá cao kết quả các cơ quan, đơn vị đã đạt được; tỷ lệ hồ sơ giải quyết "
            "đúng hạn đạt {pct}%.",
            "2. Yêu cầu các cơ quan, đơn vị tiếp tục rà soát, cắt giảm thời gian giải quyết thủ "
            "tục hành chính; không để xảy ra tình trạng hồ sơ trễ hạn mà không có văn bản xin "
            "lỗi tổ chức, cá nhân.",
            "3. Giao Văn phòng {short} theo dõi, đôn đốc việc thực hiện kết luận này./.",
        ),
    ),
)

COMPANIES = (
    ("THƯƠNG MẠI VÀ DỊCH VỤ", "TRADING AND SERVICES"),
    ("XÂY DỰNG", "CONSTRUCTION"),
    ("CÔNG NGHỆ SỐ", "DIGITAL TECHNOLOGY"),
    ("NÔNG SẢN SẠCH", "CLEAN AGRICULTURAL PRODUCTS"),
    ("VẬN TẢI", "TRANSPORT"),
    ("DU LỊCH", "TOURISM"),
    ("TƯ VẤN ĐẦU TƯ", "INVESTMENT CONSULTING"),
    ("SẢN XUẤT ĐỒ GỖ", "WOOD PRODUCTS MANUFACTURING"),
)
BRANDS = ("AN PHÁT", "HOÀNG LONG", "MINH ANH", "THÀNH ĐẠT", "PHÚ THỊNH", "ĐẠI VIỆT",
           "HƯNG THỊNH", "BẢO NGỌC", "TÂN TIẾN", "NAM SƠN", "QUANG MINH", "THIÊN PHÚC")
COMPANY_KINDS = (
    ("CÔNG TY TNHH", "CÔNG TY TRÁCH NHIỆM HỮU HẠN MỘT THÀNH VIÊN", "COMPANY LIMITED",
     "CO., LTD"),
    ("CÔNG TY CỔ PHẦN", "CÔNG TY CỔ PHẦN", "JOINT STOCK COMPANY", "JSC"),
)
