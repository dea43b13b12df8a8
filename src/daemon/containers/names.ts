import { randomInt } from 'node:crypto';

const LEFT = [
  'admiring', 'adoring', 'affectionate', 'agitated', 'amazing', 'angry', 'awesome', 'beautiful', 'blissful', 'bold',
  'boring', 'brave', 'busy', 'charming', 'clever', 'compassionate', 'competent', 'condescending', 'confident', 'cool',
  'cranky', 'crazy', 'dazzling', 'determined', 'distracted', 'dreamy', 'eager', 'ecstatic', 'elastic', 'elated',
  'elegant', 'eloquent', 'epic', 'exciting', 'fervent', 'festive', 'flamboyant', 'focused', 'friendly', 'frosty',
  'funny', 'gallant', 'gifted', 'goofy', 'gracious', 'great', 'happy', 'hardcore', 'heuristic', 'hopeful',
  'hungry', 'infallible', 'inspiring', 'intelligent', 'interesting', 'jolly', 'jovial', 'keen', 'kind', 'laughing',
  'loving', 'lucid', 'magical', 'modest', 'musing', 'mystifying', 'naughty', 'nervous', 'nice', 'nifty',
  'nostalgic', 'objective', 'optimistic', 'peaceful', 'pedantic', 'pensive', 'practical', 'priceless', 'quirky', 'quizzical',
  'recursing', 'relaxed', 'reverent', 'romantic', 'sad', 'serene', 'sharp', 'silly', 'sleepy', 'stoic',
  'strange', 'stupefied', 'suspicious', 'sweet', 'tender', 'thirsty', 'trusting', 'unruffled', 'upbeat', 'vibrant',
  'vigilant', 'vigorous', 'wizardly', 'wonderful', 'xenodochial', 'youthful', 'zealous', 'zen',
];

const RIGHT = [
  'agnesi', 'albattani', 'allen', 'almeida', 'archimedes', 'ardinghelli', 'aryabhata', 'austin', 'babbage', 'banach',
  'bardeen', 'bartik', 'bassi', 'bell', 'benz', 'bhabha', 'black', 'blackwell', 'bohr', 'booth',
  'borg', 'bose', 'brahmagupta', 'brattain', 'brown', 'carson', 'cerf', 'chandrasekhar', 'chatelet', 'clarke',
  'colden', 'cori', 'cray', 'curie', 'darwin', 'davinci', 'dijkstra', 'dirac', 'driscoll', 'dubinsky',
  'easley', 'edison', 'einstein', 'elion', 'engelbart', 'euclid', 'euler', 'fermat', 'fermi', 'feynman',
  'franklin', 'galileo', 'gates', 'goldberg', 'goldstine', 'goodall', 'hamilton', 'haslett', 'hawking', 'heisenberg',
  'hermann', 'hertz', 'hodgkin', 'hofstadter', 'hopper', 'hypatia', 'jackson', 'jang', 'jennings', 'johnson',
  'kalam', 'keller', 'kepler', 'khorana', 'kilby', 'knuth', 'kowalevski', 'lalande', 'lamarr', 'lamport',
  'leakey', 'leavitt', 'lehmann', 'lewin', 'liskov', 'lovelace', 'lumiere', 'mahavira', 'margulis', 'matsumoto',
  'maxwell', 'mayer', 'mccarthy', 'mcclintock', 'meitner', 'mendel', 'merkle', 'mirzakhani', 'montalcini', 'moore',
  'morse', 'napier', 'nash', 'neumann', 'newton', 'nobel', 'noether', 'noyce', 'pascal', 'pasteur',
  'payne', 'perlman', 'pike', 'poincare', 'ptolemy', 'raman', 'ramanujan', 'ride', 'ritchie', 'robinson',
  'rosalind', 'saha', 'sammet', 'shamir', 'shannon', 'shaw', 'shirley', 'sinoussi', 'snyder', 'stallman',
  'stonebraker', 'swanson', 'swartz', 'tesla', 'thompson', 'torvalds', 'turing', 'varahamihira', 'villani', 'wescoff',
  'wiles', 'williams', 'wilson', 'wing', 'wozniak', 'wright', 'yalow', 'yonath', 'zhukovsky',
];

/** Docker's adjective_surname names; `taken` says whether a name is in use. */
export function randomName(taken: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    let name = `${LEFT[randomInt(LEFT.length)]}_${RIGHT[randomInt(RIGHT.length)]}`;
    // Docker never names a container boring_wozniak.
    if (name === 'boring_wozniak') continue;
    if (attempt > 10) name += String(randomInt(10));
    if (!taken(name)) return name;
  }
}
