/**
 * A generated chat corpus for the search benchmarks: fixed seed, Zipf-distributed words from English, French, German,
 * Spanish, Russian and Chinese vocabularies (accents and non-Latin scripts included), short and long messages.
 */
import { seeded } from '../test/support/seeded.js';

const EN =
  'the a to and of you i it is that in for we this on have be with are not can just so what was at do my will but if all about get ' +
  'know think time meeting tomorrow today project release deadline review message coffee lunch dinner weekend holiday family ' +
  'please thanks sorry maybe later morning evening budget contract invoice client server deploy database migration test ' +
  'document presentation schedule airport flight hotel train ticket birthday party present music concert movie football ' +
  'weather rain sunny garden kitchen recipe chocolate strawberry bicycle mountain river beach island library museum ' +
  'hospital doctor appointment insurance apartment landlord neighbour parcel delivery password keyboard laptop battery';
const FR =
  'le la les de des et est pas je tu nous vous ils une un pour avec sur dans que qui café déjà très être été où été ' +
  'réunion demain aujourd’hui projet problème élève école théâtre hôpital fenêtre forêt château crème brûlée gâteau ' +
  'déjeuner dîner vacances médecin rendez-vous anniversaire cadeau musique cinéma météo pluie soleil jardin cuisine ' +
  'bibliothèque musée voilà naïve cœur sœur garçon français reçu façon âge hôtel billet aéroport plage rivière';
const DE =
  'der die das und ist nicht ich du wir ihr sie ein eine mit für auf zu im den dem Straße Grüße schön müde über ' +
  'Besprechung morgen heute Projekt Fehler Mädchen Bäckerei Brötchen Käse Frühstück Geburtstag Geschenk Wetter Regen ' +
  'Bahnhof Flughafen Fahrkarte Urlaub Ärztin Termin Versicherung Wohnung Vermieter Schlüssel Häuser Bücher Größe weiß';
const ES =
  'el la los las de y es no yo tú nosotros con para por en que qué cómo dónde está también mañana hoy reunión ' +
  'proyecto canción corazón niño niña España año señor señora café fútbol película música cumpleaños regalo lluvia ' +
  'playa montaña río jardín cocina biblioteca médico cita seguro camión avión estación ' +
  'acción información educación pequeño mañanita';
const RU =
  'и в не на я что он с как это по но мы вы они привет спасибо завтра сегодня встреча проект ошибка кофе обед ужин ' +
  'выходные праздник семья музыка погода дождь солнце сад кухня библиотека музей больница врач квартира билет поезд';
const ZH =
  '你好 谢谢 明天 今天 会议 项目 问题 咖啡 午饭 晚饭 周末 假期 家人 音乐 电影 天气 下雨 阳光 花园 厨房 图书馆 博物馆 医院 ' +
  '医生 公寓 火车 飞机 机场 酒店 生日 礼物 朋友 工作 学校 老师 学生 中国 北京 上海';
const NAMES = 'Alice Bob Carol Dave Émilie Zoë Jürgen Sofía Ива 王芳 Nadia Olek Priya Kenji Lucía François';

const vocab = (s: string) => s.split(/\s+/).filter(Boolean);

interface Language {
  words: string[];
  weight: number;
  joiner: string;
}

const LANGUAGES: Language[] = [
  { words: vocab(EN), weight: 0.45, joiner: ' ' },
  { words: vocab(FR), weight: 0.15, joiner: ' ' },
  { words: vocab(DE), weight: 0.12, joiner: ' ' },
  { words: vocab(ES), weight: 0.12, joiner: ' ' },
  { words: vocab(RU), weight: 0.08, joiner: ' ' },
  { words: vocab(ZH), weight: 0.08, joiner: '' },
];
const names = vocab(NAMES);

/** A word from a Zipf-like distribution over the list (frequent words first). */
function zipf(random: () => number, words: string[]): string {
  const i = Math.floor(words.length * Math.pow(random(), 2.2));
  return words[Math.min(i, words.length - 1)] ?? '';
}

/** Rare tokens (numbers, codes) make the vocabulary grow with the corpus, as real chat does. */
function rare(random: () => number): string {
  const r = random();
  if (r < 0.4) return String(Math.floor(random() * 10_000));
  if (r < 0.7) return `#${Math.floor(random() * 5_000).toString(36)}`;
  return `${(names[Math.floor(random() * names.length)] ?? 'x').toLowerCase()}${Math.floor(random() * 100)}`;
}

export interface CorpusMessage {
  id: string;
  conversationId: string;
  sender: string;
  sentAt: string;
  text: string;
}

/** `count` messages over `conversations` conversations, one every ~40 s from 2025-01-01, deterministic for a seed. */
export function generateCorpus(count: number, seed = 42, conversations = 50): CorpusMessage[] {
  const random = seeded(seed);
  const out: CorpusMessage[] = [];
  let t = Date.UTC(2025, 0, 1);
  for (let i = 0; i < count; i++) {
    let pick = random();
    const lang = LANGUAGES.find((l) => (pick -= l.weight) < 0) ?? LANGUAGES[0]!;
    const length = random() < 0.8 ? 3 + Math.floor(random() * 12) : 15 + Math.floor(random() * 40);
    const words: string[] = [];
    for (let w = 0; w < length; w++) {
      const r = random();
      words.push(r < 0.03 ? rare(random) : r < 0.06 ? (names[Math.floor(random() * names.length)] ?? '') : zipf(random, lang.words));
    }
    t += Math.floor(random() * 80_000);
    out.push({
      id: `m${i}`,
      conversationId: `c${Math.floor(random() * conversations)}`,
      sender: names[Math.floor(random() * 3)] ?? 'Alice',
      sentAt: new Date(t).toISOString(),
      text: words.join(lang.joiner) + (random() < 0.3 ? '!' : random() < 0.3 ? '?' : '.'),
    });
  }
  return out;
}

/** Query sets drawn from the corpus: single words, prefixes (3–4 letters) and two-word queries. */
export function generateQueries(corpus: CorpusMessage[], count: number, seed = 7): { single: string[]; prefix: string[]; twoWords: string[] } {
  const random = seeded(seed);
  const wordOf = () => {
    for (;;) {
      const m = corpus[Math.floor(random() * corpus.length)]!;
      const parts = m.text.split(/[\s.!?]+/).filter((w) => w.length >= 4 && /^\p{L}+$/u.test(w));
      const w = parts[Math.floor(random() * parts.length)];
      // Chinese has no spaces: a two- or three-character part of the run, as someone would type it.
      if (w && /\p{Script=Han}/u.test(w)) {
        const at = Math.floor(random() * (w.length - 2));
        return w.slice(at, at + 2 + Math.floor(random() * 2));
      }
      if (w) return w;
    }
  };
  const single = Array.from({ length: count }, wordOf);
  const prefix = Array.from({ length: count }, () => {
    const w = wordOf();
    return w.slice(0, Math.min(w.length, 3 + Math.floor(random() * 2)));
  });
  const twoWords = Array.from({ length: count }, () => `${wordOf()} ${wordOf()}`);
  return { single, prefix, twoWords };
}
