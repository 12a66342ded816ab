package storage

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"salesdesk/data"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	bolt "go.etcd.io/bbolt"
)

// The import benchmarks write 100,000 customer rows of the customer template (with a contact, an
// owner, dates, a grade and an amount) as CSV and as XLSX once, import each into a new file, and time
// beside it raw bbolt storing the same records in the same batches: the floor any import on this
// store could reach.

const importBenchRows = 100_000

var importBench struct {
	once       sync.Once
	csv, xlsx  string
	err        error
	headerOnce sync.Once
}

var importBenchHeader = []string{"客户名称", "所属行业", "地区", "联系人", "职位", "电话", "邮箱", "需求描述", "需求阶段",
	"跟进人", "首次接触时间", "最后跟进时间", "下次跟进计划", "客户等级", "采购预算", "标签", "备注"}

// importBenchRow makes row i of the benchmark file, the same for every run.
func importBenchRow(rng *rand.Rand, i int) []string {
	cities := []string{"北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安", "南京", "重庆"}
	trades := []string{"科技", "商贸", "电器", "机械", "医疗", "建材", "物流", "食品"}
	surnames := []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"}
	given := []string{"伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "杰"}
	city, trade := cities[rng.Intn(len(cities))], trades[rng.Intn(len(trades))]
	name := fmt.Sprintf("%s%s%s有限公司%d", city, []string{"华", "新", "东方", "恒", "瑞", "嘉"}[rng.Intn(6)], trade, i)
	contact := surnames[rng.Intn(len(surnames))] + given[rng.Intn(len(given))]
	last := time.Date(2025, 1, 1, 0, 0, 0, 0, time.Local).AddDate(0, 0, rng.Intn(400))
	first := last.AddDate(0, 0, -rng.Intn(700))
	return []string{name, trade, city, contact, []string{"采购经理", "总经理", "技术总监"}[rng.Intn(3)],
		fmt.Sprintf("13%d%08d", rng.Intn(10), i), fmt.Sprintf("c%d@example%d.cn", i, i%97),
		"需要采购办公设备，预算明确", []string{"初步接触", "需求确认", "方案评估"}[rng.Intn(3)],
		[]string{"王经理", "李销售", "张销售"}[rng.Intn(3)], data.FormatDate(first), last.Format("2006/1/2"),
		fmt.Sprintf("%d月%d日提交方案", 1+rng.Intn(12), 1+rng.Intn(28)), []string{"A级", "B级", "C级", "D级"}[rng.Intn(4)],
		fmt.Sprintf("%d万", 1+rng.Intn(80)), "展会;重点", "导入测试"}
}

// importBenchFiles writes the benchmark's CSV and XLSX files once.
func importBenchFiles(b *testing.B) (csvPath, xlsxPath string) {
	b.Helper()
	if testing.Short() {
		b.Skip("100k-row import benchmarks are skipped with -short")
	}
	dir := benchDir(b)
	importBench.once.Do(func() {
		importBench.csv = filepath.Join(dir, "import100k.csv")
		importBench.xlsx = filepath.Join(dir, "import100k.xlsx")
		f, err := os.Create(importBench.csv)
		if err != nil {
			importBench.err = err
			return
		}
		w := bufio.NewWriter(f)
		rng := rand.New(rand.NewSource(1))
		rows := make([][]string, importBenchRows)
		for i := range rows {
			rows[i] = importBenchRow(rng, i)
		}
		if err := data.WriteExcelCSV(w, importBenchHeader, rows); err != nil {
			importBench.err = err
			return
		}
		if err := w.Flush(); err != nil {
			importBench.err = err
			return
		}
		if err := f.Close(); err != nil {
			importBench.err = err
			return
		}
		importBench.err = writeBenchXLSX(importBench.xlsx, rows)
	})
	if importBench.err != nil {
		b.Fatal(importBench.err)
	}
	return importBench.csv, importBench.xlsx
}

func writeBenchXLSX(path string, rows [][]string) error {
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	cells := make([]any, len(importBenchHeader))
	for i, h := range importBenchHeader {
		cells[i] = h
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	for r, row := range rows {
		for i, v := range row {
			cells[i] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.SaveAs(path)
}

// benchImport imports path into a new file with three team members and reports the time (ns/op and
// the median, opening the file included), and the time raw bbolt takes to write the same keys and
// values in the same batches.
func benchImport(b *testing.B, path string) {
	var raw time.Duration
	var took []time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		dir := b.TempDir()
		s, err := Open(filepath.Join(dir, "import.db"), Options{Now: fixedClock(benchNow)})
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range []string{"王经理", "李销售", "张销售"} {
			if _, err := s.SaveMember(data.System, data.Member{Name: n, Role: data.MemberRep, Active: true}); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start := time.Now()
		src, err := s.OpenImport(path)
		if err != nil {
			b.Fatal(err)
		}
		calls := 0
		rep, err := s.Import(context.Background(), data.System, src, data.ImportOptions{Progress: func(data.ImportProgress) { calls++ }})
		if err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		b.StopTimer()
		_ = src.Close()
		if rep.Customers.Created != importBenchRows || len(rep.Rejected) != 0 || calls < importBenchRows/DefaultImportBatch {
			b.Fatalf("imported %+v, %d rejected, %d progress calls", rep.Customers, len(rep.Rejected), calls)
		}
		raw += rawBoltReplay(b, s, dir)
		_ = s.Close()
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Milliseconds()), "import-ms")
	b.ReportMetric(float64(raw.Milliseconds())/float64(b.N), "raw-bbolt-ms")
}

// rawBoltReplay writes the records the import stored (cards, list rows, card numbers, undo entries)
// into a new bbolt file with plain Puts, DefaultImportBatch cards a transaction, and returns the time.
func rawBoltReplay(b *testing.B, s *Store, dir string) time.Duration {
	type kv struct{ bucket, k, v []byte }
	var batches [][]kv
	err := s.view(func(tx *bolt.Tx) error {
		var cur []kv
		c := tx.Bucket(bucketCustomers).Cursor()
		n := 0
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var card data.Customer
			if err := codec.Unmarshal(v, &card); err != nil {
				return err
			}
			cur = append(cur, kv{bucketCustomers, k, v}, kv{bucketRows, k, tx.Bucket(bucketRows).Get(k)},
				kv{bucketCardNumbers, []byte(card.CardNo), k},
				kv{bucketImportUndo, undoKey(1, undoCustomer, k), tx.Bucket(bucketImportUndo).Get(undoKey(1, undoCustomer, k))})
			if n++; n%DefaultImportBatch == 0 {
				batches = append(batches, cur)
				cur = nil
			}
		}
		batches = append(batches, cur)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	db, err := bolt.Open(filepath.Join(dir, "raw.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	for _, batch := range batches {
		err := db.Update(func(tx *bolt.Tx) error {
			for _, e := range batch {
				bk, err := tx.CreateBucketIfNotExists(e.bucket)
				if err != nil {
					return err
				}
				bk.FillPercent = 0.9
				if err := bk.Put(e.k, e.v); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// BenchmarkImportCSV100k imports 100,000 customer rows from CSV (target ≤ 10 s).
func BenchmarkImportCSV100k(b *testing.B) {
	csvPath, _ := importBenchFiles(b)
	benchImport(b, csvPath)
}

// BenchmarkImportXLSX100k imports the same rows from an Excel workbook (target ≤ 15 s).
func BenchmarkImportXLSX100k(b *testing.B) {
	_, xlsxPath := importBenchFiles(b)
	benchImport(b, xlsxPath)
}

// BenchmarkExportJSON100k writes the full JSON export of the 100k demo file (customers, follow-ups,
// deals; target ≤ 5 s).
func BenchmarkExportJSON100k(b *testing.B) {
	s := openBench(b, bench100k(b), true)
	var n int64
	timed(b, func(int) {
		cw := &countingWriter{}
		if _, err := s.ExportJSON(cw, data.JSONExportOptions{}); err != nil {
			b.Fatal(err)
		}
		n = cw.N
	})
	b.ReportMetric(float64(n)/1e6, "MB")
}

var _ io.Writer = (*countingWriter)(nil)
